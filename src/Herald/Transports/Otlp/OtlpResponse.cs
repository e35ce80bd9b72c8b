using System;
using System.Text;
using System.Text.Json;

namespace Herald.Transports.Otlp;

/// <summary>
/// The <c>partial_success</c> of an <c>ExportLogsServiceResponse</c>, protobuf or JSON: how many records the receiver
/// rejected and its message. An empty body, or one without the field, is a full success.
/// </summary>
internal static class OtlpResponse
{
    /// <summary>The rejected count (0 when none) and the receiver's message (null when none); a body that cannot be read counts as a full success.</summary>
    public static (long Rejected, string? Message) PartialSuccess(ReadOnlySpan<byte> body, bool json)
    {
        if (body.IsEmpty) return (0, null);
        try
        {
            return json ? FromJson(body) : FromProtobuf(body);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException or ArgumentOutOfRangeException or InvalidOperationException)
        {
            return (0, null); // the records were accepted (2xx); an unreadable detail does not undo that
        }
    }

    private static (long, string?) FromProtobuf(ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> partial = default;
        bool found = false;
        var response = new ProtobufReader(body);
        while (response.Next(out int field, out int wire))
        {
            if (field == 1 && wire == 2)
            {
                partial = response.LengthDelimited();
                found = true;
            }
            else response.Skip(wire);
        }
        if (!found) return (0, null);
        long rejected = 0;
        string? message = null;
        var reader = new ProtobufReader(partial);
        while (reader.Next(out int field, out int wire))
        {
            if (field == 1 && wire == 0) rejected = (long)reader.Varint();
            else if (field == 2 && wire == 2) message = Encoding.UTF8.GetString(reader.LengthDelimited());
            else reader.Skip(wire);
        }
        return (rejected, message);
    }

    private static (long, string?) FromJson(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        long rejected = 0;
        string? message = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return (0, null);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool partial = reader.ValueTextEquals("partialSuccess"u8) || reader.ValueTextEquals("partial_success"u8);
            reader.Read();
            if (!partial || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool count = reader.ValueTextEquals("rejectedLogRecords"u8) || reader.ValueTextEquals("rejected_log_records"u8);
                bool text = reader.ValueTextEquals("errorMessage"u8) || reader.ValueTextEquals("error_message"u8);
                reader.Read();
                if (count && reader.TokenType == JsonTokenType.Number) rejected = reader.GetInt64();
                else if (count && reader.TokenType == JsonTokenType.String) rejected = long.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture); // int64 as a string
                else if (text && reader.TokenType == JsonTokenType.String) message = reader.GetString();
                else reader.Skip();
            }
        }
        return (rejected, message);
    }
}
