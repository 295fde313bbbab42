using Failover.Infra.Yaml;

namespace Failover.Infra.Control;

/// The lock's lease at each point where the workflow takes it (decide) or renews it (release-lock with RENEW): the longest the run
/// can take from there, every retry, timeout and wait included, until it next renews or releases the lock, and a minute more. A run
/// that dies (stopped, timed out, its region's Step Functions gone) frees the lock within its current phase's bound, not the
/// whole execution's; a run that lives never loses it.
public static class LockLeases
{
    /// Room for clocks and the write itself.
    public const int MarginSeconds = 60;

    /// Step Functions' defaults for a Retrier field that is left out (States Language, Retrying after an error).
    private const int DefaultMaxAttempts = 3, DefaultIntervalSeconds = 1;
    private const double DefaultBackoffRate = 2.0;

    /// The lease from `start` (the state that takes or renews the lock; its own worst case counts, since a retried attempt takes or
    /// renews again) until the run enters one of `holders` (the states that renew or release the lock) or ends.
    public static int From(IReadOnlyDictionary<string, Value> states, string start, IReadOnlySet<string> holders) =>
        (int)Math.Ceiling(new Walk(states, holders).Longest(start, fromHolder: true)) + MarginSeconds;

    /// The longest one state can take: a task's time limit for every attempt its retriers allow, and their delays; a Wait's seconds.
    public static double WorstCaseSeconds(Map state)
    {
        var type = Text(state, "Type");
        if (type == "Wait")
            return state.Entries.TryGetValue("Seconds", out var seconds) && seconds is Num n
                ? n.Number
                : throw new InvalidOperationException("A Wait without fixed Seconds has no bound: the lock's lease cannot cover it.");
        if (type != "Task") return 0;
        if (!state.Entries.TryGetValue("TimeoutSeconds", out var timeout) || timeout is not Num limit)
            throw new InvalidOperationException("A Task without TimeoutSeconds has no bound: the lock's lease cannot cover it.");
        var attempts = 1.0;
        var delays = 0.0;
        if (state.Entries.TryGetValue("Retry", out var retry) && retry is Seq retriers)
            foreach (var retrier in retriers.Items.OfType<Map>())
            {
                var max = Number(retrier, "MaxAttempts") ?? DefaultMaxAttempts;
                var interval = Number(retrier, "IntervalSeconds") ?? DefaultIntervalSeconds;
                var backoff = Number(retrier, "BackoffRate") ?? DefaultBackoffRate;
                var cap = Number(retrier, "MaxDelaySeconds") ?? double.MaxValue;
                attempts += max;
                for (var k = 0; k < max; k++) delays += Math.Min(interval * Math.Pow(backoff, k), cap);
            }
        return limit.Number * attempts + delays;
    }

    private sealed class Walk(IReadOnlyDictionary<string, Value> states, IReadOnlySet<string> holders)
    {
        private readonly Dictionary<string, double> _longest = new(StringComparer.Ordinal);
        private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);

        public double Longest(string name, bool fromHolder = false)
        {
            var state = states.TryGetValue(name, out var value) && value is Map map
                ? map
                : throw new InvalidOperationException($"The workflow has no state {name}.");
            var own = WorstCaseSeconds(state);
            // Entering a holder ends the phase once its write lands, at the latest at the end of its last attempt.
            if (!fromHolder && holders.Contains(name)) return own;
            if (_longest.TryGetValue(name, out var known)) return known;
            if (!_visiting.Add(name))
                throw new InvalidOperationException($"The workflow loops through {name} without renewing the lock: no lease can cover it.");
            var after = Successors(state).Select(next => Longest(next)).DefaultIfEmpty(0).Max();
            _visiting.Remove(name);
            return _longest[name] = own + after;
        }

        private static IEnumerable<string> Successors(Map state)
        {
            if (Text(state, "Next") is { } next) yield return next;
            if (Text(state, "Default") is { } fallback) yield return fallback;
            foreach (var key in new[] { "Choices", "Catch" })
                if (state.Entries.TryGetValue(key, out var list) && list is Seq items)
                    foreach (var item in items.Items.OfType<Map>())
                        if (Text(item, "Next") is { } target) yield return target;
        }
    }

    private static string? Text(Map map, string key) => map.Entries.TryGetValue(key, out var v) && v is Str s ? s.Text : null;

    private static double? Number(Map map, string key) => map.Entries.TryGetValue(key, out var v) && v is Num n ? n.Number : null;
}
