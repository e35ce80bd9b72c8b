using System.Reflection;
using System.Runtime.Versioning;

namespace Herald.Tests;

/// <summary>
/// The tests run once per target framework of the runtime, each on that .NET itself: the net8.0 build of Herald on
/// .NET 8 (the runtime the build copies beside the tests), the net10.0 build on .NET 10.
/// </summary>
public sealed class TargetRuntimeTests
{
    [Fact]
    public void The_runtime_build_under_test_runs_on_the_dotnet_it_targets()
    {
#if NET10_0_OR_GREATER
        const int Expected = 10;
#else
        const int Expected = 8;
#endif
        Assert.Equal(Expected, Environment.Version.Major);
        Assert.Equal($".NETCoreApp,Version=v{Expected}.0", typeof(TelemetryPublisher).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
        // The generated events (Herald.Events has no source of its own, so no TargetFrameworkAttribute): compiled against
        // that .NET's reference assemblies.
        foreach (Assembly assembly in new[] { typeof(TelemetryPublisher).Assembly, typeof(Herald.Events.LoopTick).Assembly })
            Assert.Equal(Expected, assembly.GetReferencedAssemblies().Single(a => a.Name == "System.Runtime").Version!.Major);
    }
}
