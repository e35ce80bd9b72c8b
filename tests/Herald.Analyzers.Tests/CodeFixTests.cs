using Herald.Analyzers.CodeFixes;
using Strings = Herald.Analyzers.Tests.Verify<Herald.Analyzers.EventTypeStringAnalyzer>;
using Sinks = Herald.Analyzers.Tests.Verify<Herald.Analyzers.SinkConformanceAnalyzer>;

namespace Herald.Analyzers.Tests;

/// <summary>The code fixes: use the generated constant (HER101, HER102), implement ITelemetrySink (HER103).</summary>
public sealed class CodeFixTests
{
    [Fact]
    public async Task HER101_fix_uses_the_suggested_types_constant()
    {
        await Strings.CodeFixAsync<UseEventTypeConstantCodeFix>("""
            using Herald;
            using Herald.Events;

            class Handlers
            {
                [Subscribe({|#0:"loop.tik"|})]
                void OnTick(LoopTick tick) { }
            }
            """, """
            using Herald;
            using Herald.Events;

            class Handlers
            {
                [Subscribe(LoopTick.EventType)]
                void OnTick(LoopTick tick) { }
            }
            """,
            Strings.Diagnostic("HER101").WithLocation(0).WithArguments("loop.tik", "; did you mean 'loop.tick'?"));
    }

    [Fact]
    public async Task HER102_fix_subscribes_to_the_parameters_event()
    {
        await Strings.CodeFixAsync<UseEventTypeConstantCodeFix>("""
            using Herald;
            using Herald.Events;

            class Handlers
            {
                [Subscribe({|#0:"metrics.aggregation_started"|})]
                void OnDone(MetricsAggregationCompleted e) { }
            }
            """, """
            using Herald;
            using Herald.Events;

            class Handlers
            {
                [Subscribe(MetricsAggregationCompleted.EventType)]
                void OnDone(MetricsAggregationCompleted e) { }
            }
            """,
            Strings.Diagnostic("HER102").WithLocation(0).WithArguments("metrics.aggregation_started", "OnDone", "MetricsAggregationCompleted", "metrics.aggregation_completed"));
    }

    [Fact]
    public async Task HER103_fix_implements_the_interface_and_obsoletes_the_stringly_emit()
    {
        await Sinks.CodeFixAsync<ImplementTelemetrySinkCodeFix>("""
            #nullable enable
            using System.Collections.Generic;
            using Herald;

            class {|#0:LegacyTelemetrySink|}
            {
                public void {|#1:emit_event|}(string name, IReadOnlyDictionary<string, object>? payload) { }
            }
            """, """
            #nullable enable
            using System.Collections.Generic;
            using Herald;

            class LegacyTelemetrySink : ITelemetrySink
            {
                [System.Obsolete("Stringly-typed emit: emit a generated event type with Emit<TEvent>(in TEvent) instead (HER103).")]
                public void emit_event(string name, IReadOnlyDictionary<string, object>? payload) { }

                private readonly StubTelemetrySink _telemetryStub = new StubTelemetrySink();

                public void Emit<TEvent>(in TEvent evt) where TEvent : IEvent<TEvent> => _telemetryStub.Emit(in evt);

                public TransportStatus TransportStatus => _telemetryStub.TransportStatus;

                public TEvent? Latest<TEvent>() where TEvent : IEvent<TEvent> => _telemetryStub.Latest<TEvent>();
                public bool TryGetLatest<TEvent>(out TEvent evt) where TEvent : IEvent<TEvent> => _telemetryStub.TryGetLatest(out evt);
                public System.Threading.Tasks.Task FlushAsync(System.Threading.CancellationToken cancellationToken = default) => _telemetryStub.FlushAsync(cancellationToken);
                public System.Threading.Tasks.ValueTask DisposeAsync() => _telemetryStub.DisposeAsync();
            }
            """,
            Sinks.Diagnostic("HER103").WithLocation(0).WithLocation(1).WithArguments("LegacyTelemetrySink",
                "is a telemetry sink but does not implement ITelemetrySink, and its emit_event(string, IReadOnlyDictionary<string, object>?) is a stringly-typed emit; emit generated event types with Emit<TEvent>(in TEvent)"));
    }
}
