using System.Collections.Immutable;

namespace Townlet.Sim;

/// <summary>
/// The town's state events: a <c>world.snapshot</c> of everything (kind <c>snapshot</c>, tens of KB with 128 agents) and a
/// <c>world.diff</c> of what changed since the previous diff (kind <c>diff</c>, small). Both are built from the world
/// without touching its random numbers, so the same seed gives the same world with or without them.
/// </summary>
internal sealed class WorldTelemetry
{
    /// <summary>The layout of <c>world.snapshot</c> payloads; readers that keep snapshots compare it.</summary>
    public const string SnapshotLayout = "1.0";
    private const int StrongestRelationships = 5;

    private readonly List<WorldDiffJobChangesItem> _jobChanges = new();
    private long _diffTick;
    private double _diffMoney;
    private string _diffWeather;
    private int _diffAgents;

    public WorldTelemetry(Town town)
    {
        _diffMoney = town.TotalMoney;
        _diffWeather = town.Weather;
        _diffAgents = town.Agents.Count;
    }

    public void JobChanged(JobChange change) => _jobChanges.Add(new WorldDiffJobChangesItem
    {
        Agent = change.Agent.Id,
        From = Name(change.From),
        To = Name(change.Agent.Job),
    });

    /// <summary>What changed since the previous call (or since the start).</summary>
    public WorldDiff Diff(Town town)
    {
        double money = town.TotalMoney;
        var diff = new WorldDiff
        {
            Tick = town.Tick,
            SinceTick = _diffTick,
            JobChanges = _jobChanges.ToImmutableArray(),
            MoneyDelta = Math.Round(money - _diffMoney, 4),
            Weather = town.Weather == _diffWeather ? null : town.Weather,
            AgentsJoined = town.Agents.Skip(_diffAgents).Select(a => a.Id).ToImmutableArray(),
            PolicyIdentity = Town.Policy.Identity,
        };
        _jobChanges.Clear();
        _diffTick = town.Tick;
        _diffMoney = money;
        _diffWeather = town.Weather;
        _diffAgents = town.Agents.Count;
        return diff;
    }

    /// <summary>The whole town now.</summary>
    public static WorldSnapshot Snapshot(Town town)
    {
        List<Agent> agents = town.Agents;
        var strongest = agents
            .SelectMany(a => a.Relationships.Select(r => (Agent: a.Id, Other: r.Key, Strength: r.Value)))
            .OrderByDescending(r => r.Strength).ThenBy(r => r.Agent, StringComparer.Ordinal).ThenBy(r => r.Other)
            .Take(StrongestRelationships)
            .Select(r => new WorldSnapshotRelationshipsStrongestItem { Agent = r.Agent, Other = agents[r.Other].Id, Strength = Math.Round(r.Strength, 4) });
        int pairs = agents.Sum(a => a.Relationships.Count);
        return new WorldSnapshot
        {
            SchemaVersionField = SnapshotLayout,
            Tick = town.Tick,
            Day = town.Clock.Day,
            Hour = town.Clock.Hour,
            Weather = Enum.Parse<WorldSnapshotWeather>(town.Weather, ignoreCase: true),
            Economy = new WorldSnapshotEconomy
            {
                MoneyTotal = Math.Round(town.TotalMoney, 2),
                MoneyMin = Math.Round(agents.Min(a => a.Money), 2),
                MoneyMax = Math.Round(agents.Max(a => a.Money), 2),
                HungerMean = Math.Round(town.MeanHunger, 4),
                EnergyMean = Math.Round(agents.Average(a => a.Energy), 4),
            },
            Employment = agents.GroupBy(a => Name(a.Job)).ToImmutableDictionary(g => g.Key, g => (long)g.Count()),
            Relationships = new WorldSnapshotRelationships
            {
                Pairs = pairs,
                MeanStrength = pairs == 0 ? 0 : Math.Round(agents.SelectMany(a => a.Relationships.Values).Average(), 4),
                Strongest = strongest.ToImmutableArray(),
            },
            PolicyIdentity = Town.Policy.Identity,
            Policy = new WorldSnapshotPolicy
            {
                Name = Town.Policy.Name,
                HungerThreshold = Town.Policy.HungerThreshold,
                EnergyThreshold = Town.Policy.EnergyThreshold,
                SocialThreshold = Town.Policy.SocialThreshold,
            },
            Agents = agents.Select(a => new WorldSnapshotAgentsItem
            {
                Id = a.Id,
                Job = Name(a.Job),
                Money = Math.Round(a.Money, 2),
                Hunger = Math.Round(a.Hunger, 4),
                Energy = Math.Round(a.Energy, 4),
                Social = Math.Round(a.Social, 4),
                Relationships = a.Relationships.Count,
            }).ToImmutableArray(),
        };
    }

    private static string Name(Job job) => job.ToString().ToLowerInvariant();
}
