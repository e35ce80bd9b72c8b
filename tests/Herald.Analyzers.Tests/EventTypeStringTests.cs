using V = Herald.Analyzers.Tests.Verify<Herald.Analyzers.EventTypeStringAnalyzer>;

namespace Herald.Analyzers.Tests;

/// <summary>HER101 (unknown event type strings) and HER102 (handler subscribed to another event).</summary>
public sealed class EventTypeStringTests
{
    private const string Usings = """
        using Herald;
        using Herald.Events;

        """;

    [Fact]
    public async Task HER101_a_typo_in_Subscribe_suggests_the_closest_type()
    {
        await V.AnalyzerAsync(Usings + """
            class Handlers
            {
                [Subscribe({|#0:"loop.tik"|})]
                void OnTick(LoopTick tick) { }
            }
            """,
            V.Diagnostic("HER101").WithLocation(0).WithArguments("loop.tik", "; did you mean 'loop.tick'?"));
    }

    [Fact]
    public async Task HER101_EventType_parameters_properties_and_fields_are_checked()
    {
        await V.AnalyzerAsync(Usings + """
            class Router
            {
                [EventType] public string Kind { get; set; } = {|#0:"metrics.aggregation_strated"|};
                [EventType] private string _other = {|#1:"nothing.like.it"|};

                static void Route([EventType] string eventType) { }

                void Use()
                {
                    Route({|#2:"console.reslt"|});
                    Kind = {|#3:"loop.helth"|};
                }
            }
            """,
            V.Diagnostic("HER101").WithLocation(0).WithArguments("metrics.aggregation_strated", "; did you mean 'metrics.aggregation_started'?"),
            V.Diagnostic("HER101").WithLocation(1).WithArguments("nothing.like.it", ""),
            V.Diagnostic("HER101").WithLocation(2).WithArguments("console.reslt", "; did you mean 'console.result'?"),
            V.Diagnostic("HER101").WithLocation(3).WithArguments("loop.helth", "; did you mean 'loop.health'?"));
    }

    [Fact]
    public async Task HER101_stays_silent_for_known_types_constants_and_unmarked_strings()
    {
        await V.AnalyzerAsync(Usings + """
            class Fine
            {
                const string Known = "loop.failure";
                [EventType] public string Kind { get; set; } = LoopTick.EventType;

                [Subscribe("metrics.aggregation_completed")]
                void OnDone(MetricsAggregationCompleted e) { }

                [Subscribe(Known)]
                void OnFailure(LoopFailure e) { }

                static void Route([EventType] string eventType) { }
                static void Log(string message) { }

                void Use(string fromConfig)
                {
                    Route(fromConfig);            // not a constant: the runtime checks it
                    Route("telemetry." + "connection_closed");
                    Log("loop.tik");              // not an [EventType] parameter
                }
            }
            """);
    }

    [Fact]
    public async Task HER102_a_handler_taking_another_events_type()
    {
        await V.AnalyzerAsync(Usings + """
            class Handlers
            {
                [Subscribe({|#0:"metrics.aggregation_started"|})]
                void OnStarted(MetricsAggregationCompleted e) { }
            }
            """,
            V.Diagnostic("HER102").WithLocation(0).WithArguments("metrics.aggregation_started", "OnStarted", "MetricsAggregationCompleted", "metrics.aggregation_completed"));
    }

    [Fact]
    public async Task HER102_stays_silent_when_the_types_match_or_the_parameter_is_not_an_event()
    {
        await V.AnalyzerAsync(Usings + """
            using System.Threading;
            using System.Threading.Tasks;

            class Handlers
            {
                [Subscribe(MetricsAggregationStarted.EventType)]
                Task OnStarted(MetricsAggregationStarted e, CancellationToken ct) => Task.CompletedTask;

                [Subscribe("loop.tick")]
                void OnAnything(object e) { }   // not a generated type: the runtime refuses it, nothing to compare here
            }
            """);
    }

    [Fact]
    public async Task HER101_knows_the_runtimes_built_in_app_event_in_a_project_without_schemas()
    {
        await V.RuntimeOnlyAnalyzerAsync("""
            using Herald;
            using Herald.Logging;

            class Handlers
            {
                [Subscribe("app.event")]
                void OnLog(AppEvent e) { }

                [Subscribe(AppEvent.EventType)]
                void OnLogToo(AppEvent e) { }

                [EventType] public string Kind { get; set; } = {|#0:"app.evnt"|};
            }
            """,
            V.Diagnostic("HER101").WithLocation(0).WithArguments("app.evnt", "; did you mean 'app.event'?"));
    }
}
