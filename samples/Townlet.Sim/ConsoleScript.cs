using System.Globalization;
using System.Text.Json;

namespace Townlet.Sim;

/// <summary>One console command: run at <see cref="Tick"/>, echoed back in <c>console.result</c> with its id.</summary>
internal sealed record ConsoleCommand(long Tick, string CmdId, string Name, IReadOnlyList<string> Args);

/// <summary>
/// Console commands from a script (<c>--console FILE</c>, or <c>-</c> for standard input): one per line,
/// <c>&lt;tick&gt; &lt;command&gt; [args...]</c>, <c>#</c> starts a comment. The commands are what an operator types
/// into a running game: <c>status</c>, <c>spawn [id]</c>, <c>pay &lt;agent&gt; &lt;amount&gt;</c>, <c>set_weather &lt;w&gt;</c>.
/// </summary>
internal static class ConsoleScript
{
    /// <summary>The default run's script: a few commands, one of them wrong on purpose so an error result shows.</summary>
    public const string Default = """
        # tick  command
        120     status
        600     spawn
        1500    pay agent_003 25
        2400    teleport agent_001
        5000    set_weather storm
        9000    status
        """;

    public static IReadOnlyList<ConsoleCommand> Parse(string text, string origin)
    {
        var commands = new List<ConsoleCommand>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            string[] parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length < 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long tick))
                throw new ArgumentException($"{origin}({i + 1}): expected '<tick> <command> [args]', got '{lines[i].Trim()}'");
            commands.Add(new ConsoleCommand(tick, $"cmd-{commands.Count + 1}", parts[1], parts[2..]));
        }
        return commands;
    }

    /// <summary>Runs a command against the town: a JSON result, or an error message.</summary>
    public static (JsonElement? Result, string? Error) Execute(ConsoleCommand command, Town town)
    {
        switch (command.Name)
        {
            case "status":
                return (JsonSerializer.SerializeToElement(new { agents = town.Agents.Count, weather = town.Weather, day = town.Clock.Day, money_total = Math.Round(town.TotalMoney, 2) }), null);
            case "spawn":
                string? id = command.Args.Count > 0 ? command.Args[0] : null;
                if (id is not null && town.Find(id) is not null) return (null, $"agent '{id}' already exists");
                return (JsonSerializer.SerializeToElement(new { agent_id = town.Spawn(id).Id }), null);
            case "pay":
                if (command.Args.Count != 2) return (null, "usage: pay <agent> <amount>");
                if (town.Find(command.Args[0]) is not { } agent) return (null, $"no agent '{command.Args[0]}'");
                if (!double.TryParse(command.Args[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double amount) || amount <= 0) return (null, $"'{command.Args[1]}' is not a positive amount");
                agent.Money += amount;
                return (JsonSerializer.SerializeToElement(new { agent_id = agent.Id, money = Math.Round(agent.Money, 2) }), null);
            case "set_weather":
                if (command.Args.Count != 1) return (null, "usage: set_weather <sun|clouds|rain|storm>");
                return town.SetWeather(command.Args[0]) ? (JsonSerializer.SerializeToElement(new { weather = town.Weather }), null) : (null, $"unknown weather '{command.Args[0]}'");
            default:
                return (null, $"unknown command '{command.Name}'; expected status, spawn, pay or set_weather");
        }
    }
}
