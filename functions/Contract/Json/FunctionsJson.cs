using System.Text.Json.Serialization;

namespace Failover.Functions.Json;

/// The one source-generated JSON context: no reflection anywhere (trimming and AOT stay clean).
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    AllowTrailingCommas = false,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(DecideRequest))]
[JsonSerializable(typeof(DecideResponse))]
[JsonSerializable(typeof(ActionRequest))]
[JsonSerializable(typeof(ScaleServiceRequest))]
[JsonSerializable(typeof(CheckServiceRequest))]
[JsonSerializable(typeof(ScaleServiceResponse))]
[JsonSerializable(typeof(CheckServiceResponse))]
[JsonSerializable(typeof(ShiftTrafficResponse))]
[JsonSerializable(typeof(ReleaseLockRequest))]
[JsonSerializable(typeof(ReleaseLockResponse))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(ErrorResponse))]
public sealed partial class FunctionsJson : JsonSerializerContext;
