using Herald;
using Herald.Events;
using Townlet.Sim;

// Until the simulation lands (issue 6), the main job shows every canonical event as the generator
// serializes it (each one read back and compared), then publishes them through the runtime to a file.
Console.WriteLine($"Herald canonical events ({HeraldEvents.Registry.All.Length} types)");
Console.WriteLine();
foreach (var (type, json) in CanonicalEvents.All())
{
    EventDescriptor d = HeraldEvents.Registry.TryGet(type, out var found) ? found : throw new InvalidOperationException(type);
    Console.WriteLine($"{type}  v{d.Version}  priority={d.Priority ?? "-"}  source={d.Source ?? "-"}");
    Console.WriteLine("  " + json);
}
Console.WriteLine();
Console.WriteLine("All events survived a write → read round trip.");

const string path = "telemetry/events.jsonl";
var options = new TelemetryOptions { Transport = new TransportOptions { Type = "file", FilePath = path } };
TransportStatus status;
await using (var telemetry = TelemetryPublisher.Create(options))
{
    CanonicalEvents.PublishAll(telemetry);
    await telemetry.FlushAsync();
    status = telemetry.TransportStatus;
}
Console.WriteLine();
Console.WriteLine($"Published {status.EventsEmitted} events to {Path.GetFullPath(path)}: " +
                  $"{status.PayloadsFlushedTotal} flushed ({status.BytesFlushedTotal} bytes), {status.DroppedMessages} dropped, queue {status.QueueLength}.");
