using Failover.Functions.Runtime;

namespace Failover.Functions.Handlers;

/// Bounds on the free text a caller sends. Everything a handler stores or repeats fits in one DynamoDB item (400 KB) and one
/// notification with room to spare, so a write can never fail for size after something else was done.
public static class InputLimits
{
    /// Who or what started the run: an alarm name, a schedule, an operator; an alarm name alone may be 255.
    public const int Source = 256;
    /// An operator's sentence on why; a paragraph, not a document.
    public const int Reason = 1024;
    /// A Step Functions execution ARN is at most ~250 characters; the lock owner and the record's key are built from it.
    public const int Id = 512;
    /// CloudWatch's own limit on an alarm name.
    public const int AlarmName = 255;
    /// OK, ALARM or INSUFFICIENT_DATA.
    public const int AlarmState = 32;
    /// An ISO 8601 time with milliseconds and offset is 29 characters.
    public const int AlarmTime = 40;

    /// Collects every field over its bound, then refuses them all at once.
    public sealed class Check
    {
        private readonly List<string> _problems = [];

        public Check Text(string field, string? value, int max)
        {
            if (value is not null && value.Length > max) _problems.Add($"'{field}' is {value.Length} characters, over the limit of {max}");
            return this;
        }

        public void ThrowIfAny()
        {
            if (_problems.Count > 0) throw new InvalidInputException($"{string.Join("; ", _problems)}. Nothing was done.");
        }
    }
}
