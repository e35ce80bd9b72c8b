using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.CompilerServices;

namespace Herald;

/// <summary>
/// The process-wide set of generated registries. Every project with schemas registers its <c>HeraldEvents.Registry</c>
/// from a generated module initializer; <see cref="EventRegistry.Registered"/> merges them. A module initializer runs
/// only when its assembly is first used, so the first read also runs those of the application's assemblies that
/// reference Herald: a shared event library counts before any of its types is touched. Herald's own built-in events
/// (<c>Herald.Logging</c>, not registered by a module initializer) are added to a non-empty merge, unless an application
/// assembly generates the same event type.
/// </summary>
internal sealed class EventRegistration(bool loadsReferences)
{
    private readonly object _gate = new();
    private readonly object _loadGate = new();
    private readonly List<EventRegistry> _registries = new();
    private EventRegistry? _merged;
    private bool _referencesLoaded = !loadsReferences;

    /// <summary>The process's registrations, which generated module initializers add to.</summary>
    public static EventRegistration Default { get; } = new(loadsReferences: true);

    public void Register(EventRegistry registry)
    {
        lock (_gate)
        {
            if (_registries.Any(r => ReferenceEquals(r, registry))) return;
            _registries.Add(registry);
            _merged = null;
        }
    }

    /// <exception cref="InvalidOperationException">Two assemblies generate the same event type.</exception>
    public EventRegistry Merged()
    {
        LoadReferencedRegistries();
        lock (_gate)
        {
            return _merged ??= Merge(_registries);
        }
    }

    /// <summary>
    /// The events the runtime checks and transforms against: the registry given, else the registered ones when there are
    /// any. A conflict among the registered ones is a configuration error, because only configuration can settle it.
    /// </summary>
    /// <exception cref="TelemetryConfigException">Two assemblies generate the same event type.</exception>
    public static EventRegistry? ForOptions(EventRegistry? given)
    {
        if (given is not null) return given;
        EventRegistry merged;
        try
        {
            merged = Default.Merged();
        }
        catch (InvalidOperationException ex)
        {
            throw new TelemetryConfigException(new[] { new ConfigError("TelemetryOptions.Events", "(the registered events)", ex.Message) });
        }
        return merged.All.IsEmpty ? null : merged;
    }

    private static EventRegistry Merge(List<EventRegistry> registries)
    {
        var byType = new Dictionary<string, EventDescriptor>(StringComparer.Ordinal);
        var all = new List<EventDescriptor>();
        foreach (EventDescriptor e in registries.SelectMany(r => r.All))
        {
            if (byType.TryGetValue(e.EventType, out EventDescriptor? first))
            {
                if (first.ClrType == e.ClrType) continue;
                throw new InvalidOperationException(
                    $"Event type '{e.EventType}' is generated twice: as {Describe(first.ClrType)} and as {Describe(e.ClrType)}. " +
                    "Remove one schema, or choose the events explicitly with TelemetryOptions.Events (EventRegistry.Combine of the registries you want).");
            }
            byType[e.EventType] = e;
            all.Add(e);
        }
        // Herald's built-in events (app.event, what the ILogger provider emits) count beside an application's own, so
        // transforms and the otlp transport know them, and yield to the application's definition of the same type. An
        // application with no generated events keeps an empty registry (no checks), as before.
        if (registries.Count > 0)
        {
            foreach (EventDescriptor e in Herald.Logging.HeraldEvents.Registry.All)
            {
                if (byType.TryAdd(e.EventType, e)) all.Add(e);
            }
        }
        return new EventRegistry(all);
    }

    /// <summary>The runtime's and the framework's own assemblies: they define no events, and walking them costs the most.</summary>
    private static bool IsPlatform(string? name)
        => name is null || name is "mscorlib" or "netstandard" or "System" || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal);

    private static string Describe(Type type) => $"{type.FullName} ({type.Assembly.GetName().Name})";

    /// <summary>Runs the module initializers of the application's assemblies that reference Herald, once.</summary>
    private void LoadReferencedRegistries()
    {
        // Held while loading, so a second reader waits for every registration instead of merging half of them.
        lock (_loadGate)
        {
            if (_referencesLoaded) return;
            RunReferencedModuleInitializers();
            _referencesLoaded = true;
        }
    }

    /// <summary>
    /// Runs the module initializers of the application's assemblies that reference Herald: those the host resolves
    /// (<c>TRUSTED_PLATFORM_ASSEMBLIES</c>: the application's own files and its packages' — found even when no code
    /// refers to them, which the compiler's reference list would miss) and those already loaded (plugins).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("Trimming", "IL2026",
        Justification = "Only finds assemblies to initialize early; a trimmed-away reference has no events to register, and a used one registers itself when it loads.")]
    private static void RunReferencedModuleInitializers()
    {
        string herald = typeof(EventRegistration).Assembly.GetName().Name!;
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { herald };
        foreach (Assembly loaded in AppDomain.CurrentDomain.GetAssemblies())
        {
            string? name = loaded.GetName().Name;
            if (loaded.IsDynamic || IsPlatform(name) || !seen.Add(name ?? "")) continue;
            if (loaded.GetReferencedAssemblies().Any(r => string.Equals(r.Name, herald, StringComparison.OrdinalIgnoreCase)))
                RunModuleInitializer(loaded);
        }
        foreach (string path in ResolvableAssemblyPaths())
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (IsPlatform(name) || seen.Contains(name) || !ReferencesAssembly(path, herald)) continue;
            try
            {
                Assembly assembly = Assembly.Load(new AssemblyName(name));
                seen.Add(name);
                RunModuleInitializer(assembly);
            }
            catch (Exception ex) when (ex is IOException or BadImageFormatException)
            {
                // Listed but not loadable here (another architecture, a trimmed-away file): it registers nothing.
            }
        }
    }

    /// <summary>Runs an assembly's module initializer; one that fails is that assembly's problem, not the caller's.</summary>
    private static void RunModuleInitializer(Assembly assembly)
    {
        try
        {
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        }
        catch (Exception ex) when (ex is TypeInitializationException or BadImageFormatException or IOException)
        {
            // Its own types will throw when used; its events (if any) are not registered.
        }
    }

    /// <summary>The assembly files the host resolves for this application; empty where it does not say (single-file apps).</summary>
    internal static IEnumerable<string> ResolvableAssemblyPaths()
        => AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list
            ? list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            : Array.Empty<string>();

    /// <summary>Whether the assembly file references <paramref name="name"/>, read from its metadata without loading it.</summary>
    internal static bool ReferencesAssembly(string path, string name)
    {
        try
        {
            using FileStream file = File.OpenRead(path);
            using var pe = new PEReader(file);
            if (!pe.HasMetadata) return false;
            MetadataReader metadata = pe.GetMetadataReader();
            foreach (AssemblyReferenceHandle handle in metadata.AssemblyReferences)
            {
                if (metadata.StringComparer.Equals(metadata.GetAssemblyReference(handle).Name, name, ignoreCase: true)) return true;
            }
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            return false;
        }
    }
}
