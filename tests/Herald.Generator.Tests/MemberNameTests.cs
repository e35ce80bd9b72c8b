using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using static Herald.Generator.Tests.GeneratorHarness;

namespace Herald.Generator.Tests;

/// <summary>
/// No field name is refused for colliding with generated code: the property is renamed (<c>write</c> → <c>WriteField</c>)
/// with HER009, the wire name is unchanged, and the generated code compiles, runs and round-trips.
/// </summary>
public sealed class MemberNameTests
{
    /// <summary>Field name → expected C# name: every generated member, a field named like its type, and a rename collision.</summary>
    private static readonly (string Json, string CSharp)[] Colliding =
    {
        ("schema_version", "SchemaVersionField"), ("event_type", "EventTypeField"), ("event_type_utf8", "EventTypeUtf8Field"),
        ("write", "WriteField2"), ("write_field", "WriteField"), ("write_object", "WriteObjectField"),
        ("read", "ReadField"), ("read_object", "ReadObjectField"), ("validate", "ValidateField"), ("equals", "EqualsField"),
        ("get_hash_code", "GetHashCodeField"), ("to_string", "ToStringField"), ("equality_contract", "EqualityContractField"),
        ("print_members", "PrintMembersField"), ("deconstruct", "DeconstructField"), ("clone", "CloneField"), ("get_type", "GetTypeField"),
        ("memberwise_clone", "MemberwiseCloneField"), ("finalize", "FinalizeField"), ("reference_equals", "ReferenceEqualsField"),
        ("validation_patterns", "ValidationPatternsField"), ("worker", "WorkerField"),
    };

    private const string Shared = """{ "$defs": { "worker": { "type": "object", "properties": { "alive": { "type": "boolean" } }, "required": ["alive"] } } }""";

    private static string Schema(string eventType, bool isStruct)
    {
        string self = eventType.Replace('.', '_');
        string fields = string.Join(",\n    ", Colliding.Select(c => $"\"{c.Json}\": {{ \"type\": \"string\" }}"));
        return $$"""
            {
              "x-event": "{{eventType}}",
              "x-struct": {{(isStruct ? "true" : "false")}},
              "type": "object",
              "properties": {
                {{fields}},
                "{{self}}": { "type": "string" },
                "code": { "type": "string", "pattern": "^[a-z]+$" },
                "current": { "$ref": "shared.defs.json#/$defs/worker" },
                "inner": {
                  "type": "object",
                  "properties": { "read": { "type": "string" }, "{{self}}_inner": { "type": "string" } },
                  "required": ["read", "{{self}}_inner"]
                }
              },
              "required": [{{string.Join(", ", Colliding.Select(c => $"\"{c.Json}\"").Append($"\"{self}\"").Append("\"code\"").Append("\"current\"").Append("\"inner\""))}}]
            }
            """;
    }

    [Theory]
    [InlineData("collide.all", false)]
    [InlineData("collide.hot", true)]
    public void Fields_named_like_every_generated_member_compile_and_round_trip(string eventType, bool isStruct)
    {
        string type = string.Concat(eventType.Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        string self = eventType.Replace('.', '_');
        var schemas = new AdditionalText[] { new SchemaText("/p/shared.defs.json", Shared), new SchemaText($"/p/{eventType}.schema.json", Schema(eventType, isStruct)) };

        var diagnostics = Analyze(schemas);
        Assert.All(diagnostics, d => Assert.Equal(("HER009", DiagnosticSeverity.Info), (d.Id, d.Severity)));
        var renamed = diagnostics.Select(d => d.GetMessage()).ToList();
        foreach (var (json, csharp) in Colliding.Where(c => c.Json != "write_field").Append(($"{self}", type + "Field")).Append(($"{self}_inner", type + "InnerField")).Append(("read", "ReadField")))
            Assert.Contains(renamed, m => m.StartsWith($"Property '{json}' is generated as '{csharp}' because", StringComparison.Ordinal));
        Assert.Equal(Colliding.Length - 1 + 3, diagnostics.Length);
        Assert.Contains(renamed, m => m.Contains("'Worker' is the name of a type this record uses"));
        Assert.Contains(renamed, m => m.Contains($"'{type}' is the name of its type"));

        string inits = string.Join(", ", Colliding.Select(c => $"{c.CSharp} = \"{c.Json}\""))
            + $", {type}Field = \"{self}\", Code = \"code\", Current = new Consumer.Worker {{ Alive = true }}"
            + $", Inner = new Consumer.{type}Inner {{ ReadField = \"inner_read\", {type}InnerField = \"inner_self\" }}";
        string probe = $$"""
            public static class Probe
            {
                public static string Run()
                {
                    var e = new Consumer.{{type}} { {{inits}} };
                    var buffer = new global::System.Buffers.ArrayBufferWriter<byte>();
                    Consumer.{{type}}.Write(buffer, e);
                    string json = global::System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
                    var back = Consumer.{{type}}.Read(buffer.WrittenSpan);
                    return $"{back.Equals(e)}|{e.Validate() ?? "valid"}|{Consumer.{{type}}.EventType}|{Consumer.{{type}}.SchemaVersion}|{back.ToString() == json}|{back.GetHashCode() == e.GetHashCode()}|{json}";
                }
            }
            """;
        string result = RunProbe(schemas, probe);

        Assert.StartsWith($"True|valid|{eventType}|1.0|True|True|{{", result);
        foreach (var (json, _) in Colliding) Assert.Contains($"\"{json}\":\"{json}\"", result);
        Assert.Contains($"\"{self}\":\"{self}\"", result);
        Assert.Contains($"\"inner\":{{\"read\":\"inner_read\",\"{self}_inner\":\"inner_self\"}}", result);
        Assert.Contains("\"current\":{\"alive\":true}", result);
    }

    [Fact]
    public void X_csharp_name_wins_and_an_explicit_name_that_collides_is_HER007()
    {
        const string Schema = """
            {
              "x-event": "named.fields",
              "properties": {
                "write": { "type": "string", "x-csharp-name": "Output" },
                "read": { "type": "string", "x-csharp-name": "Read" },
                "other": { "type": "string", "x-csharp-name": "hash" },
                "schema_version": { "type": "string" }
              }
            }
            """;
        var diagnostics = Analyze(new AdditionalText[] { new SchemaText("/p/named.fields.schema.json", Schema) })
            .OrderBy(d => d.Location.GetLineSpan().StartLinePosition.Line).ToList();
        Assert.Collection(diagnostics,
            d => Assert.Equal(("HER007", 5, 50, "'Read' cannot be used as a C# name: the x-csharp-name of 'read' is a generated member; choose another name"), Describe(d)),
            d => Assert.Equal(("HER007", 6, 51, "'hash' cannot be used as a C# name: the x-csharp-name of 'other' is a local of the generated code; choose another name"), Describe(d)),
            d => Assert.Equal(("HER009", 7, 5, "Property 'schema_version' is generated as 'SchemaVersionField' because 'SchemaVersion' is a generated member; set x-csharp-name to choose another name"), Describe(d)));

        var fixedSchema = new AdditionalText[] { new SchemaText("/p/named.fields.schema.json", Schema.Replace("\"Read\"", "\"Input\"").Replace("\"hash\"", "\"Other\"")) };
        Assert.Equal("HER009", Assert.Single(Analyze(fixedSchema)).Id);
        var (output, result) = Generate(fixedSchema, "class C {}");
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string source = result.Results.Single().GeneratedSources.Single(s => s.HintName == "NamedFields.g.cs").SourceText.ToString();
        Assert.Contains("public string? Output { get; init; }", source);
        Assert.Contains("public string? Input { get; init; }", source);
        Assert.Contains("public string? SchemaVersionField { get; init; }", source);
    }

    /// <summary>
    /// Every member the emitters declare (or the compiler synthesizes) on a record, found from the compiled symbols of an
    /// event that uses every feature, is a reserved name: a field may not take it, or the record would not compile.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_member_of_a_generated_record_is_a_reserved_name(bool isStruct)
    {
        string schema = $$"""
            {
              "x-event": "kitchen.sink", "x-struct": {{(isStruct ? "true" : "false")}}, "x-version": "2.1", "x-source": "s", "x-kind": "k",
              "type": "object",
              "properties": {
                "s": { "type": "string", "pattern": "^a", "minLength": 1, "maxLength": 9, "x-redact": true, "x-aliases": ["old_s"] },
                "n": { "type": "integer", "minimum": 0, "maximum": 9 },
                "i": { "type": "integer", "format": "int32", "default": 3 },
                "d": { "type": "number", "exclusiveMinimum": 0 },
                "f": { "type": "number", "format": "float" },
                "nd": { "type": ["number", "null"] },
                "b": { "type": "boolean", "const": true },
                "t": { "type": "string", "format": "date-time" },
                "g": { "type": "string", "format": "uuid" },
                "e": { "enum": ["x", "y"], "default": "x" },
                "free": {},
                "arr": { "type": "array", "items": { "type": "number" }, "minItems": 1 },
                "map": { "type": "object", "additionalProperties": { "type": "number" } },
                "nested": { "type": "object", "properties": { "v": { "type": "number", "x-aliases": ["/legacy_v"] } }, "required": ["v"] }
              },
              "required": ["d", "arr"]
            }
            """;
        var (output, result) = Generate(new AdditionalText[] { new SchemaText("/p/kitchen.sink.schema.json", schema) }, "class C {}");
        Assert.Null(result.Results.Single().Exception);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        foreach (string typeName in new[] { "Consumer.KitchenSink", "Consumer.KitchenSinkNested" })
        {
            INamedTypeSymbol type = output.GetTypeByMetadataName(typeName)!;
            var properties = type.GetMembers().OfType<IPropertySymbol>().Where(p => !p.IsImplicitlyDeclared && p.ExplicitInterfaceImplementations.IsEmpty && p.Name != "EqualityContract")
                .Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var members = type.GetMembers()
                .Where(m => m is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor or MethodKind.PropertyGet or MethodKind.PropertySet or MethodKind.UserDefinedOperator or MethodKind.ExplicitInterfaceImplementation })
                .Where(m => m is not IPropertySymbol { ExplicitInterfaceImplementations.IsEmpty: false })
                .Select(m => m.Name)
                .Concat(type.GetTypeMembers().Select(t => t.Name))
                .Where(name => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name) && !properties.Contains(name))
                .Distinct()
                .ToList();
            Assert.Contains("NonFiniteNumber", members);
            Assert.Contains("Equals", members);
            Assert.All(members, name => Assert.True(Herald.Generator.Schema.MemberNames.Generated.Contains(name), $"{typeName}.{name} is generated but not in MemberNames.Generated"));
        }
    }

    private static (string, int, int, string) Describe(Diagnostic d)
    {
        var start = d.Location.GetLineSpan().StartLinePosition;
        return (d.Id, start.Line + 1, start.Character + 1, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

}
