using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>x-redact is honoured by the runtime's masks, so it is only accepted where a mask can work.</summary>
public sealed class RedactionSchemaTests
{
    [Fact]
    public void XRedact_is_refused_on_non_string_and_nested_fields()
    {
        const string Schema = """
            {
              "x-event": "test.redact",
              "type": "object",
              "properties": {
                "who": { "type": "string", "x-redact": true },
                "blob": { "type": "object", "x-redact": true },
                "count": { "type": "integer", "x-redact": true },
                "inner": { "type": "object", "properties": { "secret": { "type": "string", "x-redact": true } } }
              }
            }
            """;
        var diagnostics = Analyze(new AdditionalText[] { new SchemaText("/p/test.redact.schema.json", Schema) });

        Assert.Collection(diagnostics.OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line),
            d => Assert.Equal(("HER008", 7), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1)),
            d => Assert.Equal(("HER008", 8), (d.Id, d.Location.GetLineSpan().StartLinePosition.Line + 1)));
        Assert.Contains("only allowed on string and free-form properties", diagnostics[0].GetMessage() + diagnostics[1].GetMessage());
        Assert.Contains("only allowed on top-level properties of an event", diagnostics[0].GetMessage() + diagnostics[1].GetMessage());
    }
}
