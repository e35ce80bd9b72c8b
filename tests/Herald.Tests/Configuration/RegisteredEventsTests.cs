using System.Buffers;
using Herald.Serialization;
using Herald.Tests.Runtime;

namespace Herald.Tests.Configuration;

/// <summary>
/// Generated projects register their events from a module initializer: <see cref="EventRegistry.Registered"/> merges
/// every assembly's, and configuration, transforms and hosting use it when no registry is given.
/// </summary>
public sealed class RegisteredEventsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("herald-registered-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Registered_merges_the_events_of_every_generated_assembly()
    {
        EventRegistry registered = EventRegistry.Registered;

        // Herald.Events (the canonical schemas), this test project's own schemas and the sample's world events.
        Assert.True(registered.TryGet("loop.tick", out EventDescriptor tick));
        Assert.Equal(typeof(Herald.Events.LoopTick), tick.ClrType);
        Assert.True(registered.TryGet("test.kitchen_sink", out EventDescriptor sink));
        Assert.Equal("Herald.Tests", sink.ClrType.Assembly.GetName().Name);
#if NET10_0_OR_GREATER // the sample (a net10.0 application) is referenced by the net10.0 tests only
        Assert.True(registered.TryGet("world.snapshot", out EventDescriptor snapshot));
        Assert.Equal(("snapshot", "Townlet.Sim"), (snapshot.Kind, snapshot.ClrType.Assembly.GetName().Name));
#endif
        Assert.Equal(registered.All.Length, registered.All.Select(e => e.EventType).Distinct().Count());
        foreach (EventDescriptor e in Herald.Events.HeraldEvents.Registry.All) Assert.True(registered.TryGet(e.EventType, out _), e.EventType);
    }

    [Fact]
    public void Event_libraries_are_found_among_the_hosts_assemblies_by_their_metadata_without_loading_them()
    {
        // What finds a library of events that no code of the application refers to yet (the compiler leaves such a
        // reference out of the application's own metadata; the host's list of assemblies still has the file).
        List<string> paths = EventRegistration.ResolvableAssemblyPaths().ToList();
        string events = Assert.Single(paths, p => Path.GetFileName(p) == "Herald.Events.dll");
        string runtime = Assert.Single(paths, p => Path.GetFileName(p) == "System.Runtime.dll");

        Assert.True(EventRegistration.ReferencesAssembly(events, "Herald"));
        Assert.False(EventRegistration.ReferencesAssembly(runtime, "Herald"));
        Assert.False(EventRegistration.ReferencesAssembly(Path.Combine(_dir, "missing.dll"), "Herald"));
        string notAnAssembly = Path.Combine(_dir, "garbage.dll");
        File.WriteAllBytes(notAnAssembly, [0x4D, 0x5A, 1, 2, 3]);
        Assert.False(EventRegistration.ReferencesAssembly(notAnAssembly, "Herald"));
    }

    [Fact]
    public void Registering_a_registry_again_changes_nothing()
    {
        int before = EventRegistry.Registered.All.Length;
        EventRegistry.Register(Herald.Events.HeraldEvents.Registry);
        Assert.Equal(before, EventRegistry.Registered.All.Length);
    }

    [Fact]
    public void Two_assemblies_generating_one_event_type_are_a_clear_error()
    {
        var registrations = new EventRegistration(loadsReferences: false);
        registrations.Register(Herald.Events.HeraldEvents.Registry);
        registrations.Register(new EventRegistry([EventDescriptor.Create<ImpostorTick>(null, null, [], [], [])]));

        var ex = Assert.Throws<InvalidOperationException>(registrations.Merged);

        Assert.Contains("Event type 'loop.tick' is generated twice", ex.Message);
        Assert.Contains("Herald.Events.LoopTick (Herald.Events)", ex.Message);
        Assert.Contains($"{typeof(ImpostorTick).FullName} (Herald.Tests)", ex.Message);
        Assert.Contains("TelemetryOptions.Events", ex.Message);
    }

    [Fact]
    public void The_runtimes_built_in_app_event_counts_beside_registered_events_and_yields_to_an_applications_own()
    {
        var withoutAppEvent = new EventRegistration(loadsReferences: false);
        withoutAppEvent.Register(new EventRegistry([EventDescriptor.Create<ImpostorTick>(null, null, [], [], [])]));
        Assert.True(withoutAppEvent.Merged().TryGet("app.event", out EventDescriptor builtIn));
        Assert.Equal(typeof(Herald.Logging.AppEvent), builtIn.ClrType);

        var withOwn = new EventRegistration(loadsReferences: false);
        withOwn.Register(Herald.Events.HeraldEvents.Registry); // it generates app.event itself: no clash, its own wins
        Assert.True(withOwn.Merged().TryGet("app.event", out EventDescriptor own));
        Assert.Equal(typeof(Herald.Events.AppEvent), own.ClrType);
        Assert.Equal(Herald.Events.HeraldEvents.Registry.All.Length, withOwn.Merged().All.Length);

        Assert.Empty(new EventRegistration(loadsReferences: false).Merged().All); // no generated events: still none (no checks)
        Assert.Equal(typeof(Herald.Events.AppEvent), EventRegistry.Registered.All.Single(e => e.EventType == "app.event").ClrType);
    }

    [Fact]
    public async Task Transforms_naming_fields_load_and_apply_without_a_registry()
    {
        string path = Path.Combine(_dir, "t.yaml");
        File.WriteAllText(path, """
            telemetry:
              transforms:
                pipeline:
                  - redact_fields: {fields: [command], kinds: [console.result]}
            """);

        TelemetryOptions options = TelemetryOptions.FromFile(path);
        var recording = new RecordingTransport();
        await using (var publisher = TelemetryPublisher.Create(options, recording))
            publisher.Emit(new Herald.Events.ConsoleResult { Tick = 1, Command = "give gold", Status = Herald.Events.ConsoleResultStatus.Ok, DurationMs = 1 });

        Assert.Contains("\"command\":\"[REDACTED]\"", Assert.Single(recording.Lines));
    }

#if NET10_0_OR_GREATER // net10.0 only: the snapshot kind is the Townlet sample's, a net10.0 application (Herald.Tests.csproj)
    [Fact]
    public void An_explicit_registry_still_wins()
    {
        string path = Path.Combine(_dir, "t.yaml");
        File.WriteAllText(path, """
            telemetry:
              transforms:
                pipeline:
                  - redact_fields: {fields: [policy_identity], kinds: [snapshot]}
            """);

        Assert.Null(TelemetryOptions.FromFile(path).Events); // the registered events know the kind
        var ex = Assert.Throws<TelemetryConfigException>(() => TelemetryOptions.FromFile(path, Herald.Events.HeraldEvents.Registry));
        Assert.Contains("kinds[0] = snapshot: no schema defines this event type or x-kind", ex.Message);
    }
#endif

    /// <summary>A hand-written event claiming the canonical <c>loop.tick</c> type, as a second assembly's schema would.</summary>
    private readonly record struct ImpostorTick : IEvent<ImpostorTick>
    {
        public static string EventType => "loop.tick";
        public static ReadOnlySpan<byte> EventTypeUtf8 => "loop.tick"u8;
        public static string SchemaVersion => "9.9";
        public static string? SchemaSource => null;
        public static ulong SchemaRedactions => 0;
        public static void Write(IBufferWriter<byte> output, in ImpostorTick value) => output.Write("{}"u8);
        public static void WritePayload(ref JsonOutput json, in ImpostorTick value, ulong redactions) => json.WriteRaw("{}"u8);
        public static ulong PresentFields(in ImpostorTick value) => 0;
        public static string? Validate(in ImpostorTick value) => null;
        public static bool HasFiniteChecks => false;
        public static string? NonFiniteNumber(in ImpostorTick value) => null;
        public static ImpostorTick Read(ReadOnlySpan<byte> utf8) => default;
    }
}
