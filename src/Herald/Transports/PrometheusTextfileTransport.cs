using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Herald.Configuration;

namespace Herald.Transports;

/// <summary>
/// Counters for node_exporter's textfile collector (<c>file_path</c>, usually <c>*.prom</c> in its directory), rewritten
/// atomically on every batch: <c>&lt;prefix&gt;_messages_total</c>, <c>&lt;prefix&gt;_bytes_total</c>, messages per event
/// type, and the publisher's dropped messages, queue length and send failures. Prefix <c>metric_prefix</c>, default
/// <c>townlet_telemetry</c>. The events themselves are not kept: this transport measures the stream.
/// </summary>
/// <remarks>
/// Each batch writes the whole file to a new temporary file in the same directory — created exclusively
/// (<c>O_CREAT|O_EXCL|O_NOFOLLOW</c>) under an unpredictable name <c>.&lt;name&gt;.&lt;16 random hex&gt;.tmp</c>, so nothing
/// can be planted there in advance — fsyncs it and renames it over the target, so the collector never reads half a file
/// and a symlink at the target is replaced, never followed. The file's mode is <c>file_mode</c>, default 0644: node_exporter
/// usually runs as its own user, and the file holds counters only, no event data. Created directories get
/// <c>directory_mode</c>, default 0755. An I/O error is transient (retried with backoff); the temporary file is removed.
/// </remarks>
public sealed class PrometheusTextfileTransport : ITransport, IStatusAware
{
    /// <summary>The default <c>metric_prefix</c>.</summary>
    internal const string DefaultPrefix = TelemetryConfigRules.DefaultMetricPrefix;

    private readonly string _path;
    private readonly string _prefix;
    private readonly UnixFileMode _fileMode;
    private readonly SortedDictionary<string, long> _byType = new(StringComparer.Ordinal);
    private long _messages;
    private long _bytes;
    private Func<TransportStatus>? _status;

    /// <summary>Creates the transport from <c>telemetry.transport</c>.</summary>
    /// <exception cref="ArgumentException"><c>file_path</c> is missing or <c>metric_prefix</c> is not a metric name.</exception>
    public PrometheusTextfileTransport(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.FilePath)) throw new ArgumentException($"{TelemetryConfigRules.FilePath.Name} is required for the prometheus transport.", nameof(options));
        _path = Path.GetFullPath(options.FilePath);
        _prefix = options.MetricPrefix ?? DefaultPrefix;
        if (!IsMetricName(_prefix)) throw new ArgumentException($"{TelemetryConfigRules.MetricPrefix.Name} '{_prefix}' is not a Prometheus metric name.", nameof(options));
        _fileMode = FileModes.Parse(options.FileMode, TelemetryConfigRules.PrometheusTransport.DefaultFileMode!);
        UnixFileMode directoryMode = FileModes.Parse(options.DirectoryMode, TelemetryConfigRules.PrometheusTransport.DefaultDirectoryMode!);
        if (Path.GetDirectoryName(_path) is { Length: > 0 } directory) FileTransport.CreateDirectories(directory, directoryMode);
    }

    /// <inheritdoc />
    public string Provider => "prometheus";

    /// <inheritdoc />
    public bool AuthEnabled => false;

    /// <inheritdoc />
    void IStatusAware.Attach(Func<TransportStatus> status) => _status = status;

    /// <inheritdoc />
    public ValueTask<SendResult> SendAsync(TransportBatch batch, CancellationToken cancellationToken)
    {
        var counted = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string type in EventTypes(batch.Lines.Span)) counted[type] = counted.GetValueOrDefault(type) + 1;
        string text = Render(_messages + batch.Count, _bytes + batch.Lines.Length, counted);
        try
        {
            WriteAtomically(text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ValueTask<SendResult>(SendResult.Transient(ex is LinuxFileException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}"));
        }
        // Counted only once the file holds them, so a retried batch is not counted twice.
        _messages += batch.Count;
        _bytes += batch.Lines.Length;
        foreach (KeyValuePair<string, long> pair in counted) _byType[pair.Key] = _byType.GetValueOrDefault(pair.Key) + pair.Value;
        return new ValueTask<SendResult>(SendResult.Success);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => default;

    /// <summary>The exposition text; <paramref name="pending"/> are the batch's per-type counts, not yet in <c>_byType</c>.</summary>
    private string Render(long messages, long bytes, Dictionary<string, long> pending)
    {
        var text = new StringBuilder(1024);
        Metric(text, "messages_total", "counter", "Telemetry messages sent through this transport.", messages);
        Metric(text, "bytes_total", "counter", "Bytes of telemetry sent through this transport.", bytes);
        string byType = _prefix + "_type_messages_total";
        text.Append("# HELP ").Append(byType).Append(" Telemetry messages sent, by event type.\n");
        text.Append("# TYPE ").Append(byType).Append(" counter\n");
        var types = new SortedSet<string>(_byType.Keys, StringComparer.Ordinal);
        types.UnionWith(pending.Keys);
        foreach (string type in types)
        {
            long count = _byType.GetValueOrDefault(type) + pending.GetValueOrDefault(type);
            text.Append(byType).Append("{type=\"").Append(EscapeLabel(type)).Append("\"} ").Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        if (_status?.Invoke() is { } status)
        {
            Metric(text, "dropped_messages_total", "counter", "Telemetry messages dropped (backpressure, failures, rejection, shutdown).", status.DroppedMessages);
            Metric(text, "queue_length", "gauge", "Telemetry messages queued, not yet sent.", status.QueueLength);
            Metric(text, "send_failures_total", "counter", "Failed sends to this transport.", status.SendFailuresTotal);
        }
        return text.ToString();
    }

    private void Metric(StringBuilder text, string name, string type, string help, long value)
    {
        string full = _prefix + "_" + name;
        text.Append("# HELP ").Append(full).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(full).Append(' ').Append(type).Append('\n');
        text.Append(full).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private void WriteAtomically(string text)
    {
        string temporary = Path.Combine(Path.GetDirectoryName(_path)!, "." + Path.GetFileName(_path) + "." + RandomNumberGenerator.GetHexString(16, lowercase: true) + ".tmp");
        try
        {
            using (FileStream file = FileTransport.CreateExclusive(temporary, _fileMode))
            {
                file.Write(Encoding.UTF8.GetBytes(text));
                file.Flush(flushToDisk: true);
            }
            // rename(2): atomic, and a symlink at the target is replaced, not followed.
            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A read-only directory: nothing was created there either.
            }
            throw;
        }
    }

    /// <summary>The <c>type</c> of each envelope line: the value after <c>"type":"</c>, which the envelope writes second.</summary>
    private static List<string> EventTypes(ReadOnlySpan<byte> lines)
    {
        var types = new List<string>();
        ReadOnlySpan<byte> key = "\"type\":\""u8;
        while (!lines.IsEmpty)
        {
            int end = lines.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? lines : lines.Slice(0, end);
            lines = end < 0 ? default : lines.Slice(end + 1);
            int at = line.IndexOf(key);
            if (at < 0) continue;
            ReadOnlySpan<byte> rest = line.Slice(at + key.Length);
            int close = rest.IndexOf((byte)'"');
            if (close > 0) types.Add(Encoding.UTF8.GetString(rest.Slice(0, close)));
        }
        return types;
    }

    private static string EscapeLabel(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary><c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>.</summary>
    internal static bool IsMetricName(string name) => ConfigText.IsMetricName(name);
}
