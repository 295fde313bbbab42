using System.Text.Json.Serialization;

namespace Failover.Contract.Readiness;

/// The readiness plan, results and run records on the wire: camelCase, enums as lower-case strings.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReadinessPlan))]
[JsonSerializable(typeof(CheckResult))]
[JsonSerializable(typeof(IReadOnlyList<CheckResult>))]
[JsonSerializable(typeof(ReadinessRequest))]
[JsonSerializable(typeof(ReadinessReport))]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(IReadOnlyList<RunRecord>))]
public sealed partial class ReadinessJson : JsonSerializerContext;
