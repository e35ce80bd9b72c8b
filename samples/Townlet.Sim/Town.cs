using System.Text.Json;

namespace Townlet.Sim;

/// <summary>What an agent does for a living; decides what one shift pays.</summary>
internal enum Job { Idle, Farmer, Baker, Smith, Trader }

/// <summary>One resident: needs that decay every tick, a job, money and relationships.</summary>
internal sealed class Agent(string id, Job job, double money)
{
    public string Id { get; } = id;
    public Job Job { get; set; } = job;
    public double Money { get; set; } = money;
    public double Hunger { get; set; } = 0.2;  // 0 fed – 1 starving
    public double Energy { get; set; } = 0.9;  // 0 exhausted – 1 rested
    public double Social { get; set; } = 0.5;  // 0 lonely – 1 fulfilled
    public Dictionary<int, double> Relationships { get; } = new();
    public long ConnectedSinceTick { get; set; } = -1;
    public string? ConnectionId { get; set; }
}

/// <summary>An agent changed jobs during a tick.</summary>
internal readonly record struct JobChange(Agent Agent, Job From);

/// <summary>How agents choose what to do each tick: the most pressing need below or above its threshold wins, else they work.</summary>
internal sealed record NeedsPolicy(string Name, int Version, double HungerThreshold, double EnergyThreshold, double SocialThreshold)
{
    /// <summary>Name, version and a hash of the thresholds: two runs with this identity made the same choices.</summary>
    public string Identity
    {
        get
        {
            string thresholds = FormattableString.Invariant($"{HungerThreshold:R}/{EnergyThreshold:R}/{SocialThreshold:R}");
            byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(thresholds));
            return $"{Name}/v{Version}#{Convert.ToHexStringLower(digest.AsSpan(0, 4))}";
        }
    }
}

/// <summary>
/// The simulated town: a fixed-step world of agents with needs, jobs, money and relationships. Deterministic for a
/// seed: every random choice comes from one <see cref="Random"/> seeded at start, in a fixed order.
/// </summary>
internal sealed class Town
{
    public const int TicksPerSecond = 60;
    public static readonly NeedsPolicy Policy = new("needs_first", 1, HungerThreshold: 0.7, EnergyThreshold: 0.2, SocialThreshold: 0.3);
    private static readonly string[] Weathers = ["sun", "clouds", "rain", "storm"];
    private readonly Random _random;

    public Town(int seed, int agents = 128)
    {
        _random = new Random(seed);
        for (int i = 0; i < agents; i++) Spawn();
    }

    public List<Agent> Agents { get; } = new();
    public string Weather { get; private set; } = "sun";
    public long Tick { get; private set; }
    public int JobChanges { get; private set; }

    /// <summary>Simulated time: day and hour (a day is 24 simulated minutes).</summary>
    public (long Day, int Hour) Clock => (Tick / (TicksPerSecond * 60 * 24), (int)(Tick / (TicksPerSecond * 60) % 24));

    public Random Random => _random;

    public Agent Spawn(string? id = null)
    {
        var agent = new Agent(id ?? $"agent_{Agents.Count + 1:D3}", (Job)_random.Next(1, 5), Math.Round(20 + _random.NextDouble() * 80, 2));
        Agents.Add(agent);
        return agent;
    }

    public Agent? Find(string id) => Agents.Find(a => a.Id == id);

    public bool SetWeather(string weather)
    {
        if (Array.IndexOf(Weathers, weather) < 0) return false;
        Weather = weather;
        return true;
    }

    /// <summary>Advances the world one tick; returns the agents whose job changed (for <c>app.event</c> and <c>world.diff</c>).</summary>
    public List<JobChange> Step()
    {
        Tick++;
        var changed = new List<JobChange>();
        if (Tick % (TicksPerSecond * 120) == 0) Weather = Weathers[_random.Next(Weathers.Length)];
        double weatherDrain = Weather == "storm" ? 1.5 : 1.0;
        for (int i = 0; i < Agents.Count; i++)
        {
            Agent a = Agents[i];
            a.Hunger = Math.Min(1, a.Hunger + 0.0004 * weatherDrain);
            a.Energy = Math.Max(0, a.Energy - 0.0003 * weatherDrain);
            a.Social = Math.Max(0, a.Social - 0.0002);
            // The most pressing need wins; otherwise work.
            if (a.Hunger > Policy.HungerThreshold && a.Money >= 2) Eat(a);
            else if (a.Energy < Policy.EnergyThreshold) a.Energy = Math.Min(1, a.Energy + 0.01);
            else if (a.Social < Policy.SocialThreshold) Socialize(a, i);
            else Work(a);
            if (_random.NextDouble() < 0.00005)
            {
                Job from = a.Job;
                a.Job = (Job)_random.Next(0, 5);
                JobChanges++;
                changed.Add(new JobChange(a, from));
            }
        }
        return changed;
    }

    private static void Eat(Agent a)
    {
        a.Money -= 2;
        a.Hunger = Math.Max(0, a.Hunger - 0.5);
    }

    private void Socialize(Agent a, int self)
    {
        int other = _random.Next(Agents.Count);
        if (other == self) return;
        a.Relationships[other] = Math.Min(1, a.Relationships.GetValueOrDefault(other) + 0.05);
        a.Social = Math.Min(1, a.Social + 0.1);
    }

    private static void Work(Agent a)
    {
        a.Money += a.Job switch { Job.Farmer => 0.010, Job.Baker => 0.012, Job.Smith => 0.015, Job.Trader => 0.018, _ => 0 };
        a.Energy = Math.Max(0, a.Energy - 0.0002);
    }

    public double MeanHunger => Agents.Average(a => a.Hunger);

    public double TotalMoney => Agents.Sum(a => a.Money);

    /// <summary>The global context a failure report carries: what a developer needs to place the failure in the world.</summary>
    public JsonElement Context() => JsonSerializer.SerializeToElement(new Dictionary<string, object>
    {
        ["tick"] = Tick,
        ["day"] = Clock.Day,
        ["hour"] = Clock.Hour,
        ["weather"] = Weather,
        ["agents"] = Agents.Count,
        ["money_total"] = Math.Round(TotalMoney, 2),
        ["hunger_mean"] = Math.Round(MeanHunger, 4),
    });

    /// <summary>A fingerprint of the whole world state; equal seeds give equal checksums (in any process).</summary>
    public string Checksum()
    {
        var text = new System.Text.StringBuilder().Append(Tick).Append(Weather);
        foreach (Agent a in Agents)
            text.Append(a.Id).Append(a.Job).Append(a.Money.ToString("R", System.Globalization.CultureInfo.InvariantCulture))
                .Append(a.Hunger.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(a.Relationships.Count);
        byte[] digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(digest.AsSpan(0, 6));
    }
}
