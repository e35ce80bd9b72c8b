using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

using Herald.Transports.Otlp;

namespace Herald.Benchmarks;

/// <summary>
/// The OTLP/HTTP logs receiver of <see cref="OtlpExportBenchmarks"/>, run in a child process (this same assembly,
/// <c>otlp-sink</c> mode) so that its allocations, GCs and Kestrel's own threads stay out of the measured process's
/// <c>GC.GetTotalAllocatedBytes</c>. Kestrel on 127.0.0.1 answers <c>POST /v1/logs</c>: the body is read whole into a
/// pooled buffer, its log records counted by walking only the protobuf structure (ExportLogsServiceRequest →
/// ResourceLogs → ScopeLogs → LogRecord, each LogRecord skipped by its length — the same work for either sender),
/// the counters published, and only then 200 with an empty ExportLogsServiceResponse (zero bytes,
/// <c>application/x-protobuf</c>). So by the time a sender sees its acknowledgement, its records are counted.
/// A body that is not uncompressed protobuf, or does not parse, counts as an error and gets 400.
/// The counters live in a 64-byte memory-mapped file both processes open: records, requests, body bytes, errors, and a
/// sample flag (the parent sets 1; the sink writes the next request's body to <c>&lt;file&gt;.sample</c> and sets 2).
/// </summary>
internal sealed class OtlpSink : IDisposable
{
    private const int Records = 0, Requests = 8, Bytes = 16, Errors = 24, Sample = 32, Size = 64;

    private readonly Process _process;
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly string _path;

    private OtlpSink(Process process, MemoryMappedFile map, MemoryMappedViewAccessor view, string path, string baseUrl)
    {
        _process = process;
        _map = map;
        _view = view;
        _path = path;
        BaseUrl = baseUrl;
    }

    /// <summary>The sink's base URL, e.g. <c>http://127.0.0.1:40123</c> (the logs path is <c>/v1/logs</c>).</summary>
    public string BaseUrl { get; }

    public long RecordsReceived => _view.ReadInt64(Records);
    public long RequestsReceived => _view.ReadInt64(Requests);
    public long BytesReceived => _view.ReadInt64(Bytes);
    public long ErrorsSeen => _view.ReadInt64(Errors);

    /// <summary>Starts the child process and waits for the URL it prints.</summary>
    public static OtlpSink Start()
    {
        string path = Path.Combine(Path.GetTempPath(), "herald-otlp-sink-" + Guid.NewGuid().ToString("N"));
        using (var file = new FileStream(path, FileMode.CreateNew)) file.SetLength(Size);
        MemoryMappedFile map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, Size, MemoryMappedFileAccess.ReadWrite);
        MemoryMappedViewAccessor view = map.CreateViewAccessor(0, Size);

        // `dotnet Herald.Benchmarks.dll ...` or the apphost: start the same assembly the same way.
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(OtlpSink).Assembly.Location);
        start.ArgumentList.Add("otlp-sink");
        start.ArgumentList.Add(path);
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start the sink process");
        string? url = process.StandardOutput.ReadLine();
        if (url is null || !url.StartsWith("http://", StringComparison.Ordinal))
        {
            process.Kill();
            throw new InvalidOperationException($"the sink process did not report its URL (got '{url}')");
        }
        return new OtlpSink(process, map, view, path, url);
    }

    /// <summary>Waits until the sink has counted <paramref name="expected"/> records in all; fails on more, on errors, or after <paramref name="timeout"/>.</summary>
    public void WaitForRecords(long expected, TimeSpan timeout, string who)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var spin = new SpinWait();
        long seen;
        while ((seen = RecordsReceived) < expected)
        {
            if (ErrorsSeen != 0) throw new InvalidOperationException($"{who}: the sink refused {ErrorsSeen} request(s) (not uncompressed OTLP protobuf)");
            if (Stopwatch.GetTimestamp() > deadline)
                throw new InvalidOperationException($"{who}: the sink counted {seen:N0} of {expected:N0} records after the flush — records were dropped or lost");
            spin.SpinOnce(sleep1Threshold: 20);
        }
        if (seen != expected) throw new InvalidOperationException($"{who}: the sink counted {seen:N0} records, expected {expected:N0} (duplicates)");
    }

    /// <summary>Asks the sink to keep the body of the next request it receives.</summary>
    public void ArmSample()
    {
        File.Delete(_path + ".sample");
        _view.Write(Sample, 1L);
    }

    /// <summary>The body kept after <see cref="ArmSample"/>.</summary>
    public byte[] TakeSample(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (_view.ReadInt64(Sample) != 2)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the sink kept no sample request");
            Thread.Sleep(1);
        }
        return File.ReadAllBytes(_path + ".sample");
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close(); // the sink exits when its standard input ends
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        finally
        {
            _process.Dispose();
            _view.Dispose();
            _map.Dispose();
            File.Delete(_path);
            File.Delete(_path + ".sample");
        }
    }

    /// <summary>The child process: serves until its standard input ends.</summary>
    public static void Serve(string path)
    {
        using MemoryMappedFile map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, Size, MemoryMappedFileAccess.ReadWrite);
        using MemoryMappedViewAccessor view = map.CreateViewAccessor(0, Size);
        var gate = new Lock();
        long records = 0, requests = 0, bytes = 0, errors = 0;

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        app.MapPost("/v1/logs", async context =>
        {
            HttpRequest request = context.Request;
            byte[] buffer = ArrayPool<byte>.Shared.Rent(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 64 * 1024);
            int length = 0, read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length))) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }
            bool protobuf = request.ContentType == "application/x-protobuf" && request.Headers.ContentEncoding.Count == 0;
            int count = protobuf ? OtlpStructure.CountRecords(buffer.AsSpan(0, length)) : -1;
            lock (gate)
            {
                if (count < 0) view.Write(Errors, ++errors);
                else
                {
                    // Bytes and requests first: the records counter is what the parent waits on.
                    view.Write(Requests, ++requests);
                    view.Write(Bytes, bytes += length);
                    view.Write(Records, records += count);
                }
                if (view.ReadInt64(Sample) == 1)
                {
                    File.WriteAllBytes(path + ".sample", buffer.AsSpan(0, length).ToArray());
                    view.Write(Sample, 2L);
                }
            }
            ArrayPool<byte>.Shared.Return(buffer);
            context.Response.StatusCode = count < 0 ? 400 : 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.ContentLength = 0; // an empty ExportLogsServiceResponse
        });
        app.StartAsync().GetAwaiter().GetResult();
        Console.Out.WriteLine(app.Urls.First());
        Console.Out.Flush();
        while (Console.In.ReadLine() is not null) { }
        app.StopAsync().GetAwaiter().GetResult();
    }
}

/// <summary>Reads the structure of an OTLP logs request: counts records, and describes one record for the run's header.</summary>
internal static class OtlpStructure
{
    /// <summary>The LogRecords in an ExportLogsServiceRequest, each skipped by its length; -1 if the bytes do not parse.</summary>
    public static int CountRecords(ReadOnlySpan<byte> request)
    {
        try
        {
            int count = 0;
            var top = new ProtobufReader(request);
            while (top.Next(out int field, out int wire))
            {
                if (field != 1 || wire != 2) { top.Skip(wire); continue; }
                var resourceLogs = new ProtobufReader(top.LengthDelimited());
                while (resourceLogs.Next(out field, out wire))
                {
                    if (field != 2 || wire != 2) { resourceLogs.Skip(wire); continue; }
                    var scopeLogs = new ProtobufReader(resourceLogs.LengthDelimited());
                    while (scopeLogs.Next(out field, out wire))
                    {
                        scopeLogs.Skip(wire);
                        if (field == 2 && wire == 2) count++;
                    }
                }
            }
            return count;
        }
        catch (FormatException)
        {
            return -1;
        }
    }

    /// <summary>One line about the request (records, bytes a record) and one about its first record: event name, body, severity, attributes with their types.</summary>
    public static string Describe(ReadOnlySpan<byte> request)
    {
        int records = CountRecords(request);
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{records} record(s), {request.Length} bytes in the request");
        ReadOnlySpan<byte> record = default;
        var top = new ProtobufReader(request);
        while (record.IsEmpty && top.Next(out int field, out int wire))
        {
            if (field != 1 || wire != 2) { top.Skip(wire); continue; }
            var resourceLogs = new ProtobufReader(top.LengthDelimited());
            while (record.IsEmpty && resourceLogs.Next(out field, out wire))
            {
                if (field != 2 || wire != 2) { resourceLogs.Skip(wire); continue; }
                var scopeLogs = new ProtobufReader(resourceLogs.LengthDelimited());
                while (record.IsEmpty && scopeLogs.Next(out field, out wire))
                {
                    if (field == 2 && wire == 2) record = scopeLogs.LengthDelimited();
                    else scopeLogs.Skip(wire);
                }
            }
        }
        text.Append(CultureInfo.InvariantCulture, $"; first LogRecord {record.Length} bytes:");
        var r = new ProtobufReader(record);
        while (r.Next(out int f, out int w))
        {
            switch (f, w)
            {
                case (12, 2): text.Append(" event_name=").Append(Encoding.UTF8.GetString(r.LengthDelimited())); break;
                case (5, 2): text.Append(" body=").Append(Value(r.LengthDelimited())); break;
                case (2, 0): text.Append(" severity_number=").Append(r.Varint()); break;
                case (3, 2): text.Append(" severity_text=").Append(Encoding.UTF8.GetString(r.LengthDelimited())); break;
                case (6, 2):
                    var kv = new ProtobufReader(r.LengthDelimited());
                    string key = "?", value = "?";
                    while (kv.Next(out int kf, out int kw))
                    {
                        if (kf == 1 && kw == 2) key = Encoding.UTF8.GetString(kv.LengthDelimited());
                        else if (kf == 2 && kw == 2) value = Value(kv.LengthDelimited());
                        else kv.Skip(kw);
                    }
                    text.Append(' ').Append(key).Append('=').Append(value);
                    break;
                default: r.Skip(w); break;
            }
        }
        return text.ToString();
    }

    private static string Value(ReadOnlySpan<byte> anyValue)
    {
        var r = new ProtobufReader(anyValue);
        if (!r.Next(out int field, out int wire)) return "(empty)";
        return (field, wire) switch
        {
            (1, 2) => "\"" + Encoding.UTF8.GetString(r.LengthDelimited()) + "\"",
            (2, 0) => (r.Varint() != 0 ? "true" : "false") + ":bool",
            (3, 0) => ((long)r.Varint()).ToString(CultureInfo.InvariantCulture) + ":int",
            (4, 1) => BitConverter.Int64BitsToDouble((long)r.Fixed64()).ToString("R", CultureInfo.InvariantCulture) + ":double",
            _ => $"(field {field})",
        };
    }
}
