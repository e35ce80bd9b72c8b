using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;

namespace Herald.Publishing;

/// <summary>Finds the <see cref="SubscribeAttribute"/> methods of an object and subscribes each with its event type (reflection).</summary>
internal static class SubscribeMethods
{
    [RequiresUnreferencedCode("Finds [Subscribe] methods by reflection.")]
    [RequiresDynamicCode("Builds a typed subscription per [Subscribe] method.")]
    public static IDisposable SubscribeAll(SubscriberDispatcher dispatcher, object target)
    {
        var subscriptions = new List<IDisposable>();
        const BindingFlags Flags = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
        MethodInfo bind = typeof(SubscribeMethods).GetMethod(nameof(Bind), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (MethodInfo method in target.GetType().GetMethods(Flags))
        {
            if (method.GetCustomAttribute<SubscribeAttribute>() is not { } attribute) continue;
            ParameterInfo[] parameters = method.GetParameters();
            Type? eventType = parameters.Length is 1 or 2 ? parameters[0].ParameterType : null;
            bool fits = eventType is not null
                && eventType.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEvent<>) && i.GetGenericArguments()[0] == eventType)
                && (parameters.Length == 1 || parameters[1].ParameterType == typeof(CancellationToken))
                && (method.ReturnType == typeof(void) || method.ReturnType == typeof(Task) || method.ReturnType == typeof(ValueTask));
            if (!fits)
                throw new ArgumentException($"[Subscribe] method {NameOf(method)} must take a generated event type (and optionally a CancellationToken) and return void, Task or ValueTask.", nameof(target));
            try
            {
                subscriptions.Add((IDisposable)bind.MakeGenericMethod(eventType!).Invoke(null, BindingFlags.DoNotWrapExceptions, null, new object[] { dispatcher, target, method, attribute.EventType }, null)!);
            }
            catch
            {
                foreach (IDisposable done in subscriptions) done.Dispose(); // all or nothing
                throw;
            }
        }
        return new CompositeSubscription(subscriptions);
    }

    private static IDisposable Bind<TEvent>(SubscriberDispatcher dispatcher, object target, MethodInfo method, string eventType) where TEvent : IEvent<TEvent>
    {
        if (eventType != TEvent.EventType)
            throw new ArgumentException($"[Subscribe(\"{eventType}\")] on {NameOf(method)} takes {typeof(TEvent).Name}, which is the event '{TEvent.EventType}' (HER102).");
        object? instance = method.IsStatic ? null : target;
        bool withToken = method.GetParameters().Length == 2;
        Func<TEvent, CancellationToken, ValueTask> handler = (evt, token) =>
        {
            object? result = method.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, withToken ? new object[] { evt!, token } : new object[] { evt! }, null);
            return result switch
            {
                Task task => new ValueTask(task),
                ValueTask valueTask => valueTask,
                _ => ValueTask.CompletedTask,
            };
        };
        return dispatcher.Subscribe(new Subscription<TEvent>(handler, NameOf(method)));
    }

    public static string NameOf(MethodInfo method) => (method.DeclaringType?.Name ?? "?") + "." + method.Name;

    private sealed class CompositeSubscription(List<IDisposable> parts) : IDisposable
    {
        public void Dispose()
        {
            foreach (IDisposable part in parts) part.Dispose();
        }
    }
}
