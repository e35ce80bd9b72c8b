using Microsoft.CodeAnalysis;

namespace Herald.Generator.Tests;

/// <summary>
/// Mutated schemas never crash the generator or the analyzer, and whatever the analyzer accepts compiles:
/// the analyzer and the emitter agree on what is valid.
/// </summary>
public sealed class FuzzTests
{
    private static readonly string[] Insertions =
    {
        "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "0", "-1e999", "\"type\": \"string\",", "\"x-struct\": true,",
        "\"$ref\": \"#/$defs/nope\",", "\"enum\": [\"a\", \"a\"],", "\"items\": {},", "\"additionalProperties\": false,",
        "\"required\": [\"x\"],", "\"x-aliases\": [\"/y\"],", "\"const\": 3,", "\"default\": \"q\",", "\"type\": [\"integer\", \"null\"],",
        "\"format\": \"uuid\",", "\"x-csharp-name\": \"Write\",", "\"properties\": { \"a b\": true },",
        "\"$ref\": \"#\",", "\"$ref\": \"loop.defs.json\",", "\"$ref\": \"loop.defs.json#/definitions/transport_snapshot\",",
        "\"$ref\": \"loop.tick.schema.json#\",", "\"definitions\": { \"transport_snapshot\": { \"type\": \"integer\" } },",
        "\"properties\": { \"write\": true, \"validate\": { \"type\": \"integer\" } },", "\"title\": \"t\", \"examples\": [1, {}],",
        // Names of generated members and types, numbers at and beyond the C# types' ranges, line separators in text.
        "\"x-csharp-name\": \"HeraldEvents\",", "\"x-csharp-name\": \"NonFiniteNumber\",", "\"properties\": { \"has_finite_checks\": true },",
        "\"maximum\": 9223372036854775808,", "\"minimum\": -2147483649,", "\"default\": 1e400,", "\"default\": 1e39,", "\"const\": 3000000000,",
        "\"description\": \"a\u2028b\\u2029c\u0085\",", "\"pattern\": \"^{x}\u2028\",", "\"enum\": [\"a\u2028\", \"b\\u2029\"],",
        "\"$defs\": { \"\": { \"type\": \"string\" } },", "\"x-struct\": true, \"default\": 1,",
    };

    [Fact]
    public void Mutated_canonical_schemas_never_crash_and_accepted_schemas_compile()
    {
        var originals = GeneratorHarness.CanonicalSchemas().Select(s => (s.Path, Text: s.GetText()!.ToString())).ToList();
        var rng = new Random(2026_11_23);
        int accepted = 0;
        for (int iteration = 0; iteration < 150; iteration++)
        {
            int target = rng.Next(originals.Count);
            string text = originals[target].Text;
            for (int m = 0, n = rng.Next(1, 4); m < n; m++) text = Mutate(text, rng);
            var schemas = originals.Select((o, i) => (AdditionalText)new GeneratorHarness.SchemaText(o.Path, i == target ? text : o.Text)).ToList();

            var diagnostics = GeneratorHarness.Analyze(schemas);
            Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
            var (output, result) = GeneratorHarness.Generate(schemas, "class C {}");
            Assert.Null(result.Results.Single().Exception);
            Assert.Empty(result.Diagnostics);
            var hints = result.Results.Single().GeneratedSources.Select(g => g.HintName).ToList();
            Assert.Equal(hints.Count, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());

            if (diagnostics.All(d => d.Severity == DiagnosticSeverity.Info))
            {
                accepted++;
                var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
                Assert.True(errors.Count == 0, $"accepted schema did not compile (iteration {iteration}):\n{text}\n{string.Join("\n", errors.Take(5))}");
            }
        }
        Console.WriteLine($"fuzz: {accepted} of 150 mutated schema sets accepted and compiled");
        Assert.InRange(accepted, 1, 149); // some mutations must be accepted, some rejected, or the test tests nothing
    }

    private static string Mutate(string text, Random rng)
    {
        int at = rng.Next(text.Length);
        return rng.Next(3) switch
        {
            0 => text.Remove(at, Math.Min(rng.Next(1, 6), text.Length - at)),
            1 => text.Insert(at, Insertions[rng.Next(Insertions.Length)]),
            _ => InsertAfterBrace(text, rng),
        };
    }

    /// <summary>Inserts a keyword right after an opening brace, where it is likely to stay well-formed JSON.</summary>
    private static string InsertAfterBrace(string text, Random rng)
    {
        var braces = Enumerable.Range(0, text.Length).Where(i => text[i] == '{').ToList();
        int at = braces[rng.Next(braces.Count)] + 1;
        string insertion = Insertions[rng.Next(14, Insertions.Length)];
        return text.Insert(at, insertion);
    }
}
