using System.CommandLine;
using System.Reflection;
using global::Herald.Cli;
using HeraldCli = global::Herald.Cli.Program;

namespace Herald.Tests.Cli;

/// <summary>The herald tool's command line itself: --help, --version, usage errors with suggestions, the [suggest] directive.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-cmdline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Herald(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await HeraldCli.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Version_prints_the_tools_informational_version_and_exits_0()
    {
        var (exit, output, error) = await Herald("--version");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        string expected = typeof(HeraldCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Help_on_the_root_lists_every_command_and_the_global_options_and_exits_0(string help)
    {
        var (exit, output, error) = await Herald(help);

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("herald [command] [options]", output, StringComparison.Ordinal);
        foreach (string command in new[] { "check <paths>", "catalog <paths>", "query <FILE>", "stats <FILE>", "diff <OLD> <NEW>" })
            Assert.Contains("  " + command + "  ", output, StringComparison.Ordinal);
        Assert.Contains("--version", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 done; 1 the command found problems", output, StringComparison.Ordinal);
        // The documentation by its published URL, never a path into a clone of the repository.
        Assert.Contains("Documentation: https://", output, StringComparison.Ordinal);
        Assert.Contains(global::Herald.Cli.HeraldDocs.Url + "cli.md", output, StringComparison.Ordinal);
        Assert.DoesNotContain(" docs/", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check", "herald check [<paths>...] [options]", new[] { "<paths>" })]
    [InlineData("catalog", "herald catalog [<paths>...] [options]", new[] { "<paths>", "-o, --output <FILE>" })]
    [InlineData("query", "herald query <FILE> [options]", new[] { "<FILE>", "--type <T>", "--since <TIME>", "--until <TIME>", "--correlation <ID>", "--limit <N>", "--follow" })]
    [InlineData("stats", "herald stats <FILE> [options]", new[] { "<FILE>" })]
    [InlineData("diff", "herald diff <OLD> <NEW> [options]", new[] { "<OLD>", "<NEW>" })]
    public async Task Help_on_each_command_lists_its_arguments_and_options_and_exits_0(string command, string usage, string[] symbols)
    {
        foreach (string[] args in new[] { new[] { command, "--help" }, [command, "-h"], ["help", command] })
        {
            var (exit, output, error) = await Herald(args);

            Assert.Equal(0, exit);
            Assert.Equal("", error);
            Assert.Contains(usage, output, StringComparison.Ordinal);
            foreach (string symbol in symbols.Append("-?, -h, --help"))
                Assert.Matches($@"(?m)^  {System.Text.RegularExpressions.Regex.Escape(symbol)}\s+\S", output); // listed with a description
            Assert.DoesNotContain(" docs/", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Query_help_describes_every_filter_even_without_a_file()
    {
        var (exit, output, error) = await Herald("query", "--help");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Contains("--since <TIME>", output, StringComparison.Ordinal);
        Assert.Contains("a duration ago (90s, 15m, 2h, 1d)", output, StringComparison.Ordinal);
        Assert.Contains("a prefix ending in * (loop.*", output, StringComparison.Ordinal);
        Assert.Contains("--follow", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_command_argument_and_option_has_a_description()
    {
        RootCommand root = HeraldCommand.Create();
        Assert.False(string.IsNullOrWhiteSpace(root.Description));
        Assert.Equal(["check", "catalog", "query", "stats", "diff"], root.Subcommands.Select(c => c.Name));
        foreach (Command command in root.Subcommands)
        {
            Assert.False(string.IsNullOrWhiteSpace(command.Description), command.Name);
            foreach (Argument argument in command.Arguments) Assert.False(string.IsNullOrWhiteSpace(argument.Description), $"{command.Name} {argument.Name}");
            foreach (Option option in command.Options) Assert.False(string.IsNullOrWhiteSpace(option.Description), $"{command.Name} {option.Name}");
        }
    }

    [Fact]
    public async Task An_unknown_option_exits_2_and_suggests_the_option_it_is_near()
    {
        string file = Path.Combine(_dir, "events.jsonl");
        File.WriteAllText(file, "");

        // Only the mistyped name: not its value, which the parser could not place either.
        Assert.Equal((2, "", "herald: unknown option '--tpye' (did you mean '--type'?)"), Trim(await Herald("query", file, "--tpye", "loop.*")));
        // Before the FILE too, where System.CommandLine would take it for the file.
        Assert.Equal((2, "", "herald: unknown option '--lmit' (did you mean '--limit'?)"), Trim(await Herald("query", "--lmit", file)));
        Assert.Equal((2, "", "herald: unknown option '--outptu' (did you mean '--output'?)"), Trim(await Herald("catalog", _dir, "--outptu", "x.md")));
        Assert.Equal((2, "", "herald: unknown option '--versoin' (did you mean '--version'?)"), Trim(await Herald("--versoin")));
        // Nothing near: the message says where the options are listed.
        Assert.Equal((2, "", "herald: unknown option '--frobnicate' (see 'herald stats --help')"), Trim(await Herald("stats", file, "--frobnicate")));
    }

    [Fact]
    public async Task An_unknown_command_exits_2_and_suggests_the_command_it_is_near()
    {
        Assert.Equal((2, "", "herald: unknown command 'chek' (did you mean 'check'?)"), Trim(await Herald("chek")));
        Assert.Equal((2, "", "herald: unknown command 'querry' (did you mean 'query'?)"), Trim(await Herald("querry")));
        Assert.Equal((2, "", "herald: unknown command 'stat' (did you mean 'stats'?)"), Trim(await Herald("stat")));
        Assert.Equal((2, "", "herald: unknown command 'frobnicate' (see 'herald --help')"), Trim(await Herald("frobnicate")));
        // The words after a mistyped command were its arguments, not more unknown commands.
        Assert.Equal((2, "", "herald: unknown command 'chek' (did you mean 'check'?)"), Trim(await Herald("chek", "schemas", "more")));
        Assert.Equal((2, "", "herald: unknown command 'chek' (did you mean 'check'?)"), Trim(await Herald("chek", "--help")));
        Assert.Equal((2, "", "herald: unknown command 'chek' (did you mean 'check'?)"), Trim(await Herald("help", "chek")));
    }

    [Fact]
    public async Task Other_parse_errors_exit_2_with_one_herald_line_each_and_nothing_on_stdout()
    {
        string file = Path.Combine(_dir, "events.jsonl");
        File.WriteAllText(file, "");

        Assert.Equal((2, "", "herald: query needs FILE (see 'herald query --help')"), Trim(await Herald("query")));
        Assert.Equal((2, "", "herald: diff needs NEW (see 'herald diff --help')"), Trim(await Herald("diff", _dir)));
        Assert.Equal((2, "", "herald: unexpected argument 'third' (see 'herald diff --help')"), Trim(await Herald("diff", _dir, _dir, "third")));
        Assert.Equal((2, "", "herald: -o needs a value"), Trim(await Herald("catalog", _dir, "-o")));
        Assert.Equal((2, "", "herald: --type is given more than once"), Trim(await Herald("query", file, "--type", "a", "--type", "b")));
        Assert.Equal((2, "", "herald: --since '1e300' is not a time: use ISO 8601 (2026-11-23T10:00:00Z), unix seconds (1795440193.5) or a duration ago (90s, 15m, 2h, 1d)"),
            Trim(await Herald("query", file, "--since", "1e300")));
        Assert.Equal((2, "", "herald: --until 'NaN' is not a time: use ISO 8601 (2026-11-23T10:00:00Z), unix seconds (1795440193.5) or a duration ago (90s, 15m, 2h, 1d)"),
            Trim(await Herald("query", file, "--until", "NaN")));

        var bare = await Herald();
        Assert.Equal(2, bare.Exit);
        Assert.Equal("", bare.Out);
        Assert.Contains("herald [command] [options]", bare.Err, StringComparison.Ordinal); // the help, on stderr
    }

    [Fact]
    public async Task Values_may_follow_an_equals_sign_and_paths_may_follow_a_double_dash()
    {
        string file = Path.Combine(_dir, "events.jsonl");
        File.WriteAllText(file, Storage.StorageTests.Line("loop.tick", 0, n: 0) + "\n" + Storage.StorageTests.Line("loop.health", 1, n: 1) + "\n");

        var (exit, output, _) = await Herald("query", "--type=loop.health", "--limit=1", "--", file);

        Assert.Equal(0, exit);
        Assert.Contains("\"type\":\"loop.health\"", Assert.Single(Lines(output)), StringComparison.Ordinal);
        // After `--` a word is an argument even if it looks like an option.
        Assert.Equal((2, "", "herald: unexpected argument '--since' (see 'herald query --help')"), Trim(await Herald("query", file, "--", "--since")));
    }

    [Fact]
    public async Task The_suggest_directive_completes_command_and_option_names()
    {
        var all = await Herald("[suggest]");
        Assert.Equal(0, all.Exit);
        Assert.Superset(new HashSet<string> { "check", "catalog", "query", "stats", "diff", "--help", "--version" }, Lines(all.Out).ToHashSet());

        // The way dotnet-suggest asks: the cursor position, then the whole command line.
        Assert.Equal(["query"], Lines((await Herald("[suggest:8]", "herald q")).Out));
        Assert.Equal(["catalog", "check"], Lines((await Herald("[suggest:8]", "herald c")).Out).Order(StringComparer.Ordinal));
        Assert.Superset(
            new HashSet<string> { "--type", "--since", "--until", "--correlation", "--limit", "--follow", "--help" },
            Lines((await Herald("[suggest:15]", "herald query --")).Out).ToHashSet());
    }

    [Theory]
    [InlineData("chek", "check", 1)]
    [InlineData("--tpye", "--type", 1)] // a swap of two neighbours is one edit
    [InlineData("querry", "query", 1)]
    [InlineData("", "abc", 3)]
    public void Edit_distance_counts_inserts_deletes_replacements_and_swaps(string a, string b, int distance)
    {
        Assert.Equal(distance, NearestNames.Distance(a, b));
        Assert.Equal(distance, NearestNames.Distance(b, a));
    }

    [Fact]
    public void Near_names_are_the_closest_ones_within_reach_and_none_for_a_short_word()
    {
        Assert.Equal(["--type"], NearestNames.Find("--typo", ["--type", "--until", "--help"]));
        Assert.Equal(["cat", "hat"], NearestNames.Find("bat", ["hat", "cat", "battle"]).Order(StringComparer.Ordinal)); // every one at the best distance
        Assert.Empty(NearestNames.Find("--frobnicate", ["--type", "--until"]));
        Assert.Empty(NearestNames.Find("-x", ["-o", "-h"])); // a letter away from every short option: noise
    }

    private static (int, string, string) Trim((int Exit, string Out, string Err) r) => (r.Exit, r.Out.Trim(), r.Err.Trim());
}
