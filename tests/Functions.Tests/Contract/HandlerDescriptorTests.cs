using Failover.Functions.Aws;
using Failover.Functions.Handlers;

namespace Failover.Functions.Tests.Contract;

/// Each handler's descriptor against what the binary does with it: it serves every descriptor, and every result the workflow
/// reads is a field its response type always writes.
public sealed class HandlerDescriptorTests
{
    public static TheoryData<string> Handlers() => [.. FunctionContract.All.Select(h => h.Name)];

    [Theory]
    [MemberData(nameof(Handlers))]
    public void The_binary_serves_every_handler_the_contract_declares(string handler)
    {
        using var http = new HttpClient();
        var aws = new AwsClients(_ => null, http, TimeProvider.System, AwsRetryPolicy.Default);

        HandlerCatalog.Find(handler, _ => null, aws, TimeProvider.System, new DirectProbe(http, TimeProvider.System)).Should().NotBeNull();
    }

    [Fact]
    public void Handler_names_are_unique() =>
        FunctionContract.All.Select(h => h.Name).Should().OnlyHaveUniqueItems();

    /// The functions write JSON without nulls (WhenWritingNull): a field the workflow reads must be one that is never null, or a
    /// run would fail on a missing path.
    [Theory]
    [MemberData(nameof(Handlers))]
    public void Every_result_field_is_one_the_response_type_always_writes(string handler)
    {
        var descriptor = FunctionContract.Find(handler)!;
        var fields = descriptor.ResponseType.Properties.ToDictionary(p => p.Name);

        foreach (var result in descriptor.Results)
        {
            fields.Should().ContainKey(result, $"{handler}'s response type names it");
            var field = fields[result];
            var neverNull = field.PropertyType.IsValueType ? Nullable.GetUnderlyingType(field.PropertyType) is null : !field.IsGetNullable;
            neverNull.Should().BeTrue($"{handler}'s {result} is read by the workflow, so it must never be left out as null");
        }
    }
}
