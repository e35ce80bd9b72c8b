using Herald.Analyzers.CodeFixes;
using Herald.Generator;
using Microsoft.CodeAnalysis;
using System.Collections.Immutable;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace Herald.Analyzers.Tests;

/// <summary>HER302's fix writes the current shape of the schemas into schemas.shipped.json.</summary>
public sealed class BaselineCodeFixTests
{
    private const string Schema = """
        {
          "x-event": "test.evo",
          "type": "object",
          "properties": {
            "a": { "type": "string" },
            "extra": { "type": "integer" }
          },
          "required": ["a"]
        }
        """;

    private const string OldBaseline = """
        {
          "version": 1,
          "events": {
            "test.evo": {
              "fields": {
                "a": "string"
              },
              "required": ["a"],
              "enums": {}
            }
          }
        }

        """;

    private const string NewBaseline = """
        {
          "version": 1,
          "events": {
            "test.evo": {
              "fields": {
                "a": "string",
                "extra": "integer"
              },
              "required": ["a"],
              "enums": {}
            }
          }
        }

        """;

    /// <summary>
    /// The diagnostic sits in a schema file (an additional document), which Microsoft.CodeAnalysis.Testing 1.1 does not
    /// offer fixes for; so this drives the fix as the IDE does: a workspace, the analyzer's diagnostic, the fix's
    /// registered action, the changed solution.
    /// </summary>
    [Fact]
    public async Task HER302_fix_records_the_addition_in_the_baseline()
    {
        using var workspace = new AdhocWorkspace();
        Project project = workspace.AddProject("Game", LanguageNames.CSharp)
            .AddDocument("Game.cs", "class Game { }").Project
            .AddAdditionalDocument("test.evo.schema.json", Schema, filePath: "/game/test.evo.schema.json").Project;
        TextDocument baseline = project.AddAdditionalDocument("schemas.shipped.json", OldBaseline, filePath: "/game/schemas.shipped.json");
        project = baseline.Project;

        Compilation compilation = (await project.GetCompilationAsync())!;
        var options = new Microsoft.CodeAnalysis.Diagnostics.AnalyzerOptions(project.AdditionalDocuments.Select(d => (AdditionalText)new DocumentText(d)).ToImmutableArray());
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<Microsoft.CodeAnalysis.Diagnostics.DiagnosticAnalyzer>(new SchemaDiagnosticAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
        Diagnostic her302 = Assert.Single(diagnostics);
        Assert.Equal("HER302", her302.Id);
        Assert.Equal("'test.evo': field 'extra' is not in schemas.shipped.json yet; update schemas.shipped.json to record it", her302.GetMessage());

        TextDocument schema = project.AdditionalDocuments.Single(d => d.Name == "test.evo.schema.json");
        var actions = new List<CodeAction>();
        await new UpdateSchemaBaselineCodeFix().RegisterCodeFixesAsync(new CodeFixContext(schema, her302, (a, _) => actions.Add(a), CancellationToken.None));
        CodeAction action = Assert.Single(actions);
        Assert.Equal("Record the schema changes in schemas.shipped.json", action.Title);

        Solution changed = Assert.IsType<ApplyChangesOperation>(Assert.Single(await action.GetOperationsAsync(CancellationToken.None))).ChangedSolution;
        string written = (await changed.GetAdditionalDocument(baseline.Id)!.GetTextAsync()).ToString();
        Assert.Equal(NewBaseline.Replace("\r\n", "\n"), written);
    }

    private sealed class DocumentText(TextDocument document) : AdditionalText
    {
        public override string Path => document.FilePath!;

        public override SourceText GetText(CancellationToken cancellationToken = default) => document.GetTextAsync(cancellationToken).GetAwaiter().GetResult();
    }
}
