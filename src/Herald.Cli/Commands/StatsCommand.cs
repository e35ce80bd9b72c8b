using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Herald.Storage;

namespace Herald.Cli.Commands;

/// <summary>
/// <c>herald stats FILE</c>: events and bytes per type, the time span, and the drops the publisher itself reported
/// (the <c>transport.dropped_messages</c> counter inside <c>loop.health</c> / <c>loop.failure</c> payloads).
/// </summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var file = TelemetryFile.Argument();
        var command = new Command("stats", "Summarize a JSONL telemetry file: events and bytes per type, the time span, and the drops the publisher reported (the highest transport.dropped_messages in a loop.health or loop.failure payload). Lines that are not envelopes are reported on stderr as query reports them.") { file };
        command.SetAction(parsed => Run(parsed.GetRequiredValue(file), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    public static int Run(string file, TextWriter output, TextWriter error)
    {
        string path = TelemetryFile.Existing(file);
        var perType = new SortedDictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        long malformed = 0, events = 0, bytes = 0;
        DateTimeOffset? first = null, last = null;
        (long Dropped, string Type, long Line)? reported = null;

        foreach (StoredEvent stored in new FileStorage(path).Read(EventQuery.All, line =>
        {
            malformed++;
            error.WriteLine(TelemetryFile.Skipped(path, line));
        }))
        {
            long size = Encoding.UTF8.GetByteCount(stored.Json) + 1;
            perType[stored.Type] = perType.TryGetValue(stored.Type, out var sum) ? (sum.Count + 1, sum.Bytes + size) : (1, size);
            events++;
            bytes += size;
            if (first is null || stored.Timestamp < first) first = stored.Timestamp;
            if (last is null || stored.Timestamp > last) last = stored.Timestamp;
            if (stored.Type is "loop.health" or "loop.failure" && DroppedIn(stored.Json) is long dropped && dropped >= (reported?.Dropped ?? 0))
                reported = (dropped, stored.Type, stored.LineNumber);
        }

        output.WriteLine($"{path}: {events:N0} events, {bytes:N0} bytes{(malformed > 0 ? $", {malformed:N0} malformed lines skipped" : "")}");
        if (first is { } from && last is { } to)
            output.WriteLine($"time span: {from:yyyy-MM-dd HH:mm:ss.fff} .. {to:yyyy-MM-dd HH:mm:ss.fff} UTC ({(to - from).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s)");
        output.WriteLine(reported is { } r
            ? $"dropped (reported by the publisher): {r.Dropped:N0} (highest value, {r.Type} at line {r.Line})"
            : "dropped (reported by the publisher): unknown (no loop.health or loop.failure event)");
        if (perType.Count == 0) return 0;
        int width = Math.Max("type".Length, perType.Keys.Max(k => k.Length));
        output.WriteLine();
        output.WriteLine($"{"type".PadRight(width)}  {"events",12}  {"bytes",14}  {"avg bytes",9}");
        foreach (var (type, (count, size)) in perType)
            output.WriteLine($"{type.PadRight(width)}  {count,12:N0}  {size,14:N0}  {size / count,9:N0}");
        return 0;
    }

    private static long? DroppedIn(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("payload", out JsonElement payload)
            && payload.ValueKind == JsonValueKind.Object
            && payload.TryGetProperty("transport", out JsonElement transport)
            && transport.ValueKind == JsonValueKind.Object
            && transport.TryGetProperty("dropped_messages", out JsonElement dropped)
            && dropped.TryGetInt64(out long value) ? value : null;
    }
}
