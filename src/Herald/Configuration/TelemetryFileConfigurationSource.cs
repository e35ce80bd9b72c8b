using System.IO;
using Microsoft.Extensions.Configuration;

namespace Herald.Configuration;

/// <summary>A YAML or JSON telemetry file as a <c>Microsoft.Extensions.Configuration</c> source (read once, at build).</summary>
internal sealed class TelemetryFileConfigurationSource(string path, bool optional) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(path, optional);

    private sealed class Provider(string path, bool optional) : ConfigurationProvider
    {
        public override void Load()
        {
            Data.Clear();
            if (optional && !File.Exists(path)) return;
            foreach (var pair in TelemetryConfigLoader.Flatten(path)) Data[pair.Key] = pair.Value;
        }
    }
}
