using System.Text.Json;
using HeraldCli = global::Herald.Cli.Program;
using Herald.Tests.Storage;

namespace Herald.Tests.Cli;

/// <summary>The herald tool's commands on real files: output, errors and exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string SchemasDir => Path.Combine(AppContext.BaseDirectory, "schemas");

    private static async Task<(int Exit, string Out, string Err)> Herald(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await HeraldCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string ScoreSchema = """
        {
          "x-event": "game.score",
          "type": "object",
          "properties": {
            "points": { "type": "integer", "description": "Points scored." },
            "player": { "type": "string" }
          },
          "required": ["points"]
        }
        """;

    [Fact]
    public async Task Check_passes_the_canonical_schemas()
    {
        var (exit, output, _) = await Herald("check", SchemasDir);
        Assert.Equal(0, exit);
        Assert.Contains("13 schema files checked: 0 errors, 0 warnings", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_prints_compiler_style_errors_with_line_and_column_and_exits_1()
    {
        string path = Write("game.score.schema.json", ScoreSchema.Replace("\"integer\"", "\"integr\"", StringComparison.Ordinal).Replace("[\"points\"]", "[\"points\", \"level\"]", StringComparison.Ordinal));

        var (exit, output, _) = await Herald("check", _dir);

        Assert.Equal(1, exit);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"{path}(5,25): error HER008: Invalid schema at '#/properties/points/type': unknown type 'integr'", lines[0]);
        Assert.Equal($"{path}(8,26): error HER006: 'required' names 'level', which is not a property of 'GameScore'", lines[1]);
        Assert.Equal("1 schema file checked: 2 errors, 0 warnings", lines[2]);
    }

    [Fact]
    public async Task Check_reports_a_breaking_change_against_the_baseline_beside_the_schemas()
    {
        Write("game.score.schema.json", ScoreSchema);
        Write("schemas.shipped.json", """
            {
              "events": {
                "game.score": {
                  "fields": { "level": "integer", "player": "string", "points": "integer" },
                  "required": [ "points" ]
                }
              }
            }
            """);

        var (exit, output, _) = await Herald("check", _dir);

        Assert.Equal(1, exit);
        Assert.Contains("error HER301: Breaking change to 'game.score' against schemas.shipped.json:", output, StringComparison.Ordinal);
        Assert.Contains("'level'", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_and_missing_files_exit_2_with_a_message()
    {
        Assert.Equal((2, "", "herald: nowhere: no such file or directory"), Trim(await Herald("check", "nowhere")));
        Assert.Equal((2, "", $"herald: no schema files (*.schema.json, *.defs.json) in {_dir}"), Trim(await Herald("check", _dir)));
        Assert.Equal((2, "", "herald: missing.jsonl: no such file"), Trim(await Herald("query", "missing.jsonl")));
        string file = Write("e.jsonl", "");
        Assert.Equal((2, "", "herald: --limit 'ten' is not a positive whole number"), Trim(await Herald("query", file, "--limit", "ten")));
        Assert.StartsWith("herald: --since 'yesterday' is not a time", (await Herald("query", file, "--since", "yesterday")).Err, StringComparison.Ordinal);
        Assert.StartsWith("herald: unknown option '--typo'", (await Herald("stats", file, "--typo")).Err, StringComparison.Ordinal);
        Assert.StartsWith("herald: unknown command 'frobnicate'", (await Herald("frobnicate")).Err, StringComparison.Ordinal);
        Assert.Equal(2, (await Herald()).Exit);
        Assert.Equal(0, (await Herald("--help")).Exit);
    }

    private static (int, string, string) Trim((int Exit, string Out, string Err) r) => (r.Exit, r.Out.Trim(), r.Err.Trim());

    [Fact]
    public async Task Catalog_writes_a_table_and_a_valid_example_envelope_per_event()
    {
        string target = Path.Combine(_dir, "events.md");
        var (exit, output, _) = await Herald("catalog", SchemasDir, "-o", target);

        Assert.Equal(0, exit);
        Assert.Equal($"{target}: 12 events", output.Trim());
        string markdown = File.ReadAllText(target);
        Assert.Contains("| [`loop.failure`](#loopfailure) | critical | 1.2 | simulation_loop |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `transport.worker.alive` | boolean | yes |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `status` | `ok` \\| `error` | yes | Whether the command succeeded. |", markdown, StringComparison.Ordinal);

        string[] examples = markdown.Split("```json\n").Skip(1).Select(block => block[..block.IndexOf("\n```", StringComparison.Ordinal)]).ToArray();
        Assert.Equal(12, examples.Length);
        foreach (string example in examples)
        {
            using JsonDocument envelope = JsonDocument.Parse(example);
            string type = envelope.RootElement.GetProperty("type").GetString()!;
            Assert.True(global::Herald.Events.HeraldEvents.Registry.TryGet(type, out EventDescriptor descriptor), type);
            // The example payload is readable by the generated reader of that event.
            byte[] payload = System.Text.Encoding.UTF8.GetBytes(envelope.RootElement.GetProperty("payload").GetRawText());
            Assert.NotNull(descriptor.ReadBoxed(payload));
        }
    }

    [Fact]
    public async Task The_event_catalog_in_docs_is_the_one_the_canonical_schemas_produce()
    {
        var (exit, catalog, _) = await Herald("catalog", SchemasDir);
        Assert.Equal(0, exit);
        string path = Path.Combine(Configuration.ConfigDocsTests.RepositoryRoot(), "docs", "events.md");
        if (Environment.GetEnvironmentVariable("HERALD_ACCEPT_SNAPSHOTS") == "1") File.WriteAllText(path, catalog);
        Assert.True(File.ReadAllText(path) == catalog, "docs/events.md is out of date: dotnet run --project src/Herald.Cli -- catalog schemas -o docs/events.md");
    }

    [Fact]
    public async Task Query_filters_a_file_and_reports_bad_lines_with_their_numbers()
    {
        string file = Write("events.jsonl", string.Join('\n',
            StorageTests.Line("loop.tick", 0, n: 0),
            StorageTests.Line("loop.health", 1, n: 1),
            "{not json",
            StorageTests.Line("loop.tick", 2, "c-9", n: 2),
            StorageTests.Line("loop.tick", 3, n: 3)) + "\n");

        var (exit, output, error) = await Herald("query", file, "--type", "loop.tick", "--since", "1800000001");

        Assert.Equal(0, exit);
        Assert.Equal(["evt_loop_2", "evt_loop_3"], output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        Assert.Contains($"{file}(3): skipped: invalid JSON", error, StringComparison.Ordinal);
        Assert.EndsWith("2 events, 1 malformed line skipped", error.Trim(), StringComparison.Ordinal);

        Assert.Equal("evt_loop_2", JsonDocument.Parse((await Herald("query", file, "--correlation", "c-9")).Out).RootElement.GetProperty("id").GetString());
        Assert.Single((await Herald("query", file, "--limit", "1")).Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", (await Herald("query", file, "--until", "2026-01-01T00:00:00Z")).Out);
        Assert.Equal("", (await Herald("query", file, "--until", "1m")).Out); // the events are from 2027
    }

    [Fact]
    public async Task Query_follow_prints_appended_events_until_cancelled()
    {
        string file = Write("live.jsonl", StorageTests.Line("loop.tick", 0, n: 0) + "\n");
        using var cts = new CancellationTokenSource();
        var output = new StringWriter();
        var error = new StringWriter();
        Task<int> run = HeraldCli.RunAsync(["query", file, "--follow", "--type", "loop.tick"], TextWriter.Synchronized(output), error, cts.Token);

        await Runtime.PublisherTestKit.Eventually(() => output.ToString().Contains("evt_loop_0", StringComparison.Ordinal), "the existing event");
        File.AppendAllText(file, StorageTests.Line("loop.health", 1, n: 1) + "\n" + StorageTests.Line("loop.tick", 2, n: 2) + "\n");
        await Runtime.PublisherTestKit.Eventually(() => output.ToString().Contains("evt_loop_2", StringComparison.Ordinal), "the appended event");
        cts.Cancel();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("evt_loop_1", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("2 events", error.ToString().Trim());
    }

    [Fact]
    public async Task Stats_counts_events_and_bytes_per_type_and_the_drops_health_events_reported()
    {
        string health = StorageTests.Line("loop.health", 2, n: 1).Replace("\"payload\":{\"n\":1}", "\"payload\":{\"tick\":60,\"transport\":{\"dropped_messages\":17}}", StringComparison.Ordinal);
        string[] lines = [StorageTests.Line("loop.tick", 0, n: 0), health, StorageTests.Line("loop.tick", 4.5, n: 2), "oops"];
        string file = Write("events.jsonl", string.Join('\n', lines) + "\n");

        var (exit, output, error) = await Herald("stats", file);

        Assert.Equal(0, exit);
        long tickBytes = lines[0].Length + 1 + lines[2].Length + 1;
        Assert.Contains($"{file}: 3 events, {tickBytes + health.Length + 1:N0} bytes, 1 malformed lines skipped", output, StringComparison.Ordinal);
        Assert.Contains("(4.5 s)", output, StringComparison.Ordinal);
        Assert.Contains("dropped (reported by the publisher): 17 (highest value, loop.health at line 2)", output, StringComparison.Ordinal);
        Assert.Matches($@"loop\.tick\s+2\s+{tickBytes:N0}\s", output);
        Assert.Contains($"{file}(4): skipped: invalid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_reports_breaking_and_compatible_changes_and_exits_1_when_breaking()
    {
        string oldDir = Path.GetDirectoryName(Write("v1/game.score.schema.json", ScoreSchema))!;
        string sameDir = Path.GetDirectoryName(Write("v1b/game.score.schema.json", ScoreSchema))!;
        string compatible = Path.GetDirectoryName(Write("v2/game.score.schema.json", ScoreSchema.Replace("\"player\": { \"type\": \"string\" }", "\"player\": { \"type\": \"string\" }, \"combo\": { \"type\": \"integer\" }", StringComparison.Ordinal)))!;
        string breaking = Path.GetDirectoryName(Write("v3/game.score.schema.json", ScoreSchema.Replace("\"player\": { \"type\": \"string\" }", "\"player\": { \"type\": \"integer\" }", StringComparison.Ordinal)))!;

        var same = await Herald("diff", oldDir, sameDir);
        Assert.Equal((0, $"0 breaking, 0 non-breaking changes (1 event in {oldDir}, 1 in {sameDir})"), (same.Exit, same.Out.Trim()));

        var added = await Herald("diff", oldDir, compatible);
        Assert.Equal(0, added.Exit);
        Assert.StartsWith("non-breaking  game.score.combo: field 'combo' was added", added.Out, StringComparison.Ordinal);

        var broken = await Herald("diff", oldDir, breaking);
        Assert.Equal(1, broken.Exit);
        Assert.StartsWith("breaking      game.score.player: field 'player' changed type from string to integer", broken.Out, StringComparison.Ordinal);
        Assert.Contains("1 breaking, 0 non-breaking changes", broken.Out, StringComparison.Ordinal);

        // The canonical schemas against their own baseline: nothing to report.
        Assert.Equal(0, (await Herald("diff", Path.Combine(SchemasDir, "schemas.shipped.json"), SchemasDir)).Exit);
    }
}
