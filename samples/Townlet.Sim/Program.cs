using Herald.Events;
using Townlet.Sim;

// Until the simulation lands (issue 6), the main job shows every canonical event as the generator
// serializes it, each one read back and compared, plus the registry the runtime will use.
Console.WriteLine($"Herald canonical events ({HeraldEvents.Registry.All.Length} types)");
Console.WriteLine();
foreach (var (type, json) in CanonicalEvents.All())
{
    Herald.EventDescriptor d = HeraldEvents.Registry.TryGet(type, out var found) ? found : throw new InvalidOperationException(type);
    Console.WriteLine($"{type}  v{d.Version}  priority={d.Priority ?? "-"}  source={d.Source ?? "-"}");
    Console.WriteLine("  " + json);
}
Console.WriteLine();
Console.WriteLine("All events survived a write → read round trip.");
