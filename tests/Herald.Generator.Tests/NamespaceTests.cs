using Microsoft.CodeAnalysis;

namespace Herald.Generator.Tests;

/// <summary>Generated types go to $(HeraldNamespace), else $(RootNamespace), else Herald.Events.</summary>
public sealed class NamespaceTests
{
    private static readonly AdditionalText Schema = new GeneratorHarness.SchemaText("/p/agent.moved.schema.json",
        """{ "properties": { "tick": { "type": "integer" } }, "required": ["tick"] }""");

    [Theory]
    [InlineData("Game.Core", null, "namespace Game.Core;")]
    [InlineData("Game.Core", "Game.Telemetry", "namespace Game.Telemetry;")]
    [InlineData(null, null, "namespace Herald.Events;")]
    public void Namespace_follows_the_msbuild_properties(string? rootNamespace, string? heraldNamespace, string expected)
    {
        GeneratorDriver driver = GeneratorHarness.Driver(new[] { Schema }, rootNamespace, heraldNamespace).RunGenerators(GeneratorHarness.Compilation("class C {}"));
        string source = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "AgentMoved.g.cs").SourceText.ToString();
        Assert.Contains(expected, source);
        Assert.Contains("public const string EventType = \"agent.moved\";", source); // type from the file name when x-event is absent
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    [InlineData(" False ", false)]
    public void HeraldRegisterEvents_false_leaves_the_registry_out_of_EventRegistry_Registered(string? property, bool registers)
    {
        GeneratorDriver driver = GeneratorHarness.Driver(new[] { Schema }, "Game.Core", registerEvents: property).RunGenerators(GeneratorHarness.Compilation("class C {}"));
        string source = driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "HeraldEvents.g.cs").SourceText.ToString();
        Assert.Contains("public static global::Herald.EventRegistry Registry { get; }", source); // the registry is there either way
        Assert.Equal(registers, source.Contains("ModuleInitializerAttribute", StringComparison.Ordinal));
        Assert.Equal(registers, source.Contains("EventRegistry.Register(Registry)", StringComparison.Ordinal));
    }
}
