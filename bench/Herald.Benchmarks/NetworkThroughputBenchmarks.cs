using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Herald.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Herald.Benchmarks;

/// <summary>
/// Sustained throughput of the network transports on loopback: Herald's tcp and http transports against a raw
/// baseline that sends the same envelope bytes with no serialization, no buffer and no worker (a bare
/// <see cref="NetworkStream"/>; one reused <see cref="HttpClient"/> posting pre-built NDJSON batches) — the ceiling
/// the wire allows. No logging library in the registry ships a tcp or http sink to compare with (NLog 6 moved its
/// NetworkTarget/WebServiceTarget into packages that are not there; Serilog.Sinks.Http is not there either).
/// Each run sends <see cref="Events"/> loop.tick envelopes; it ends when the receiver has counted every line.
/// </summary>
[MemoryDiagnoser]
public class NetworkThroughputBenchmarks
{
    private const int Events = 1_000_000;
    // Lines per baseline write/request: as many as fit Herald's 64 KiB chunk (a batch never spans chunks), so both
    // sides pay the same number of requests.
    private const int Batch = 256;
    private LoopTick _tick;
    private TcpListener _tcp = null!;
    private WebApplication _http = null!;
    private string _url = null!;
    private long _lines;
    private byte[] _batch = null!;
    private HttpClient _client = null!;
    private TelemetryPublisher? _herald;
    private readonly CancellationTokenSource _stop = new();

    [GlobalSetup]
    public void Setup()
    {
        _tick = Payloads.Tick;
        _tcp = new TcpListener(IPAddress.Loopback, 0);
        _tcp.Start();
        _ = AcceptLoop();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _http = builder.Build();
        _http.MapPost("/ingest", async context => Interlocked.Add(ref _lines, await CountLines(context.Request.Body)));
        _http.StartAsync().GetAwaiter().GetResult();
        _url = _http.Urls.First() + "/ingest";
        _client = new HttpClient();

        // The baseline's batch: Batch copies of the envelope Herald writes for this tick.
        string line = CaptureEnvelope();
        _batch = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, Batch)));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        _tcp.Stop();
        _client.Dispose();
        _http.StopAsync().GetAwaiter().GetResult();
    }

    private string CaptureEnvelope()
    {
        string path = Path.GetTempFileName();
        TelemetryPublisher publisher = TelemetryPublisher.Create(new TelemetryOptions { Transport = new TransportOptions { Type = "file", FilePath = path } });
        publisher.Emit(in _tick);
        publisher.DisposeAsync().AsTask().GetAwaiter().GetResult();
        string line = File.ReadAllLines(path)[0] + "\n";
        File.Delete(path);
        return line;
    }

    private async Task AcceptLoop()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _tcp.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var stream = new NetworkStream(socket, ownsSocket: true);
                await CountLines(stream, live: true);
            });
        }
    }

    /// <summary>Counts newline bytes; with <paramref name="live"/> they are added to the total as they arrive.</summary>
    private async Task<long> CountLines(Stream stream, bool live = false)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024); // the receiver is in-process: keep it out of the allocation column
        long count = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            int n = buffer.AsSpan(0, read).Count((byte)'\n');
            if (live) Interlocked.Add(ref _lines, n);
            else count += n;
        }
        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        return count;
    }

    private void WaitForLines()
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (Interlocked.Read(ref _lines) < Events)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"receiver counted {_lines} of {Events} lines");
            Thread.SpinWait(100);
        }
        if (Interlocked.Read(ref _lines) != Events) throw new InvalidOperationException($"receiver counted {_lines} lines, expected {Events}");
    }

    private TelemetryPublisher Publisher(TransportOptions transport) => TelemetryPublisher.Create(new TelemetryOptions
    {
        Transport = transport with
        {
            SendTimeoutSeconds = 30,
            Worker = new WorkerOptions { Backpressure = BackpressureMode.Block, BlockTimeoutSeconds = 60 },
        },
    });

    [IterationSetup(Target = nameof(Herald_tcp))]
    public void OpenHeraldTcp()
    {
        _lines = 0;
        _herald = Publisher(new TransportOptions { Type = "tcp", Endpoint = $"127.0.0.1:{((IPEndPoint)_tcp.LocalEndpoint).Port}" });
    }

    [IterationSetup(Target = nameof(Herald_http_ndjson))]
    public void OpenHeraldHttp()
    {
        _lines = 0;
        _herald = Publisher(new TransportOptions { Type = "http", Endpoint = _url });
    }

    [IterationSetup(Targets = new[] { nameof(Raw_socket_baseline), nameof(Raw_HttpClient_baseline) })]
    public void ResetCount() => _lines = 0;

    [IterationCleanup]
    public void Close()
    {
        _herald?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _herald = null;
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Herald_tcp()
    {
        for (int i = 0; i < Events; i++) _herald!.Emit(in _tick);
        _herald!.FlushAsync().GetAwaiter().GetResult();
        WaitForLines();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Raw_socket_baseline()
    {
        using var client = new TcpClient();
        client.NoDelay = true;
        client.Connect(IPAddress.Loopback, ((IPEndPoint)_tcp.LocalEndpoint).Port);
        NetworkStream stream = client.GetStream();
        for (int sent = 0; sent < Events; sent += Batch) stream.Write(_batch, 0, LengthOf(Math.Min(Batch, Events - sent)));
        WaitForLines();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Herald_http_ndjson()
    {
        for (int i = 0; i < Events; i++) _herald!.Emit(in _tick);
        _herald!.FlushAsync().GetAwaiter().GetResult();
        WaitForLines();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public void Raw_HttpClient_baseline()
    {
        for (int sent = 0; sent < Events; sent += Batch)
        {
            using var content = new ByteArrayContent(_batch, 0, LengthOf(Math.Min(Batch, Events - sent)));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
            using HttpResponseMessage response = _client.PostAsync(_url, content).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
        }
        WaitForLines();
    }

    private int LengthOf(int lines) => _batch.Length / Batch * lines;
}
