using V = Herald.Analyzers.Tests.Verify<Herald.Analyzers.SinkConformanceAnalyzer>;

namespace Herald.Analyzers.Tests;

/// <summary>HER103: sinks that do not conform to ITelemetrySink, a stub with a drifted, stringly-typed emit first.</summary>
public sealed class SinkConformanceTests
{
    private const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Herald;

        """;

    [Fact]
    public async Task HER103_a_drifted_stub_with_a_stringly_emit()
    {
        await V.AnalyzerAsync(Usings + """
            class {|#0:LegacyTelemetrySink|}
            {
                public void {|#1:emit_event|}(string name, IReadOnlyDictionary<string, object>? payload) { }
            }
            """,
            V.Diagnostic("HER103").WithLocation(0).WithLocation(1).WithArguments("LegacyTelemetrySink",
                "is a telemetry sink but does not implement ITelemetrySink, and its emit_event(string, IReadOnlyDictionary<string, object>?) is a stringly-typed emit; emit generated event types with Emit<TEvent>(in TEvent)"));
    }

    [Fact]
    public async Task HER103_a_marked_sink_without_the_interface()
    {
        await V.AnalyzerAsync(Usings + """
            [TelemetrySink]
            class {|#0:ConsoleSink|}
            {
            }
            """,
            V.Diagnostic("HER103").WithLocation(0).WithArguments("ConsoleSink", "is a telemetry sink but does not implement ITelemetrySink"));
    }

    [Fact]
    public async Task HER103_declares_the_interface_but_offers_a_stringly_emit_instead()
    {
        await V.AnalyzerAsync(Usings + """
            class {|#0:HttpSink|} : ITelemetrySink
            {
                public void {|#1:Emit|}(string eventType, object payload) { }
                public TransportStatus TransportStatus => throw new NotImplementedException();
                public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => default;
                public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> { evt = default!; return false; }
                public Task FlushAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
                public ValueTask DisposeAsync() => default;
            }
            """,
            V.Diagnostic("HER103").WithLocation(0).WithLocation(1).WithArguments("HttpSink",
                "declares ITelemetrySink but offers Emit(string, object) in place of Emit<TEvent>(in TEvent); implement the typed Emit"));
    }

    [Fact]
    public async Task HER103_stays_silent_for_conforming_sinks_and_look_alikes()
    {
        await V.AnalyzerAsync(Usings + """
            class GoodTelemetrySink : ITelemetrySink
            {
                private readonly StubTelemetrySink _inner = new();
                public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent> => _inner.Emit(in evt);
                public TransportStatus TransportStatus => _inner.TransportStatus;
                public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => _inner.Latest<TEvent>();
                public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _inner.TryGetLatest(out evt);
                public Task FlushAsync(CancellationToken cancellationToken = default) => _inner.FlushAsync(cancellationToken);
                public ValueTask DisposeAsync() => _inner.DisposeAsync();
            }

            // The stringly emit is kept for old callers but marked [Obsolete] (what the code fix does).
            class MigratingTelemetrySink : GoodTelemetrySink
            {
                [Obsolete("use Emit<TEvent>")]
                public void emit_event(string name, IDictionary<string, object> payload) { }
            }

            // Not a sink: a general message bus may take strings.
            class EventBus
            {
                public void Publish(string topic, IDictionary<string, object> payload) { }
            }

            // Named like a sink, but its Emit is not stringly typed: only the missing interface would matter,
            // and it has it through the base class.
            class LoggingTelemetrySink : GoodTelemetrySink
            {
                public void Emit(string message) { }
            }
            """);
    }
}
