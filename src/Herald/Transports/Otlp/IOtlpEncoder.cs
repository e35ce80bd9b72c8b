using System;
using System.Text.Json;

namespace Herald.Transports.Otlp;

/// <summary>Turns a batch of envelope lines into one <c>ExportLogsServiceRequest</c> body, into a buffer it reuses.</summary>
internal interface IOtlpEncoder
{
    /// <summary>The request's <c>Content-Type</c>.</summary>
    string ContentType { get; }

    /// <summary>The request for <paramref name="lines"/> (newline-terminated envelopes); valid until the next call.</summary>
    ReadOnlyMemory<byte> Encode(ReadOnlySpan<byte> lines);
}

/// <summary>What both encodings write the same way for each record.</summary>
internal static class OtlpRecord
{
    /// <summary>The attribute names of the envelope's fields, namespaced so no payload field can collide with them.</summary>
    public static ReadOnlySpan<byte> EventId => "herald.event.id"u8;

    public static ReadOnlySpan<byte> EventSource => "herald.event.source"u8;

    public static ReadOnlySpan<byte> EventVersion => "herald.event.version"u8;

    public static ReadOnlySpan<byte> CorrelationId => "herald.correlation_id"u8;

    public static ReadOnlySpan<byte> EventTarget => "herald.event.target"u8;

    /// <summary>
    /// The severity number and text: the payload's <c>severity</c> when it names a level (its text kept), else the
    /// event type's priority (an unknown <c>severity</c> text is still kept as the text).
    /// </summary>
    public static int Severity(in OtlpEnvelope envelope, OtlpPayloadTypes.EventInfo info, out RawString text)
    {
        if (envelope.Severity.Present)
        {
            text = envelope.Severity;
            int named = envelope.Severity.Escaped ? 0 : OtlpSeverity.FromText(envelope.Severity.Raw);
            return named != 0 ? named : info.SeverityNumber;
        }
        text = info.SeverityText.Length == 0 ? default : new RawString(info.SeverityText, escaped: false);
        return info.SeverityNumber;
    }

    /// <summary>The body: the payload's string <c>message</c>, else the event type.</summary>
    public static RawString Body(in OtlpEnvelope envelope) => envelope.Message.Present ? envelope.Message : envelope.Type;

    /// <summary>
    /// How envelope lines and payloads are read: at any depth. The runtime writes free-form JSON as it is given, so a
    /// payload may nest deeper than the reader's default of 64 levels, and a reader that threw would lose the batch.
    /// </summary>
    public static JsonReaderOptions ReaderOptions => new() { MaxDepth = int.MaxValue };

    /// <summary>
    /// Whether the object or array the reader is at lies deeper in the payload than Herald accepts (64 levels), and is
    /// written as a string of its JSON text rather than as nested values: the encoders recurse once per level.
    /// </summary>
    public static bool TooDeep(in Utf8JsonReader reader) => reader.CurrentDepth >= Herald.Serialization.JsonInput.MaxDepth;

    /// <summary>The JSON text of the value the reader is at, in <paramref name="payload"/> (the text the reader reads), skipping it.</summary>
    public static ReadOnlySpan<byte> SkipAsText(ref Utf8JsonReader reader, ReadOnlySpan<byte> payload)
    {
        int start = (int)reader.TokenStartIndex;
        reader.Skip();
        return payload.Slice(start, (int)reader.BytesConsumed - start);
    }

    /// <summary>The length of the first line of <paramref name="rest"/>, without its newline.</summary>
    public static int LineLength(ReadOnlySpan<byte> rest)
    {
        int newline = rest.IndexOf((byte)'\n');
        return newline < 0 ? rest.Length : newline;
    }
}
