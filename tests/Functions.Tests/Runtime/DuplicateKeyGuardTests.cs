using Failover.Functions.Json;
using Failover.Functions.Runtime;

namespace Failover.Functions.Tests.Runtime;

/// An event naming a key twice (in any case) is ambiguous: refused before the typed handler sees it, since the
/// case-insensitive deserializer would silently keep the last one.
public sealed class DuplicateKeyGuardTests
{
    private bool _called;

    private JsonHandler<DecideRequest, ActionRequest> Handler() => new(FunctionsJson.Default.DecideRequest, FunctionsJson.Default.ActionRequest,
        (request, _, _) =>
        {
            _called = true;
            return Task.FromResult(new ActionRequest { Action = request.Action });
        });

    private static readonly InvocationContext Context = new("req", "arn", DateTimeOffset.UtcNow.AddMinutes(1), new JsonLog(TextWriter.Null, TimeProvider.System));

    private async Task<InvalidInputException> Refused(string eventJson)
    {
        var act = () => Handler().InvokeAsync(eventJson, Context, CancellationToken.None);
        var error = (await act.Should().ThrowAsync<InvalidInputException>()).Which;
        _called.Should().BeFalse("the handler must not run on an ambiguous event");
        return error;
    }

    [Fact]
    public async Task A_key_given_twice_is_refused_naming_the_key_and_where_it_is()
    {
        var error = await Refused("""{"action":"drill","action":"failover"}""");

        error.Message.Should().Contain("'action'").And.Contain("at $");
    }

    [Fact]
    public async Task A_key_repeated_in_another_case_is_refused()
    {
        var error = await Refused("""{"action":"drill","ACTION":"failover"}""");

        error.Message.Should().Contain("'ACTION'").And.Contain("'action'");
    }

    [Fact]
    public async Task A_duplicate_in_a_nested_object_is_refused_with_its_path()
    {
        var error = await Refused("""{"action":"failover","source":"alarm","alarm":{"alarmName":"a","state":{"value":"OK","Value":"ALARM"}}}""");

        error.Message.Should().Contain("'Value'").And.Contain("$.alarm.state");
    }

    [Fact]
    public async Task A_duplicate_in_an_object_inside_an_array_is_refused_with_its_index()
    {
        var error = await Refused("""{"action":"failover","items":[{"id":1},{"id":2,"ID":3}]}""");

        error.Message.Should().Contain("$.items[1]");
    }

    [Fact]
    public async Task A_huge_duplicate_key_is_named_but_not_repeated_in_full()
    {
        var key = new string('k', 100_000);

        var error = await Refused($$"""{"{{key}}":1,"{{key}}":2}""");

        error.Message.Length.Should().BeLessThan(400);
        error.Message.Should().Contain("(100000 chars)");
    }

    [Fact]
    public async Task The_same_key_in_different_objects_is_accepted()
    {
        var response = await Handler().InvokeAsync(
            """{"action":"failover","source":"alarm","alarm":{"alarmName":"a","state":{"value":"ALARM","reason":"r"}},"extra":{"value":1,"reason":[{"value":2},{"value":3}]}}""",
            Context, CancellationToken.None);

        _called.Should().BeTrue();
        response.Should().Be("""{"action":"failover"}""");
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("\"failover\"")]
    [InlineData("42")]
    public async Task An_event_that_is_not_a_json_object_is_refused(string eventJson)
    {
        var error = await Refused(eventJson);

        error.Message.Should().Contain("must be a JSON object");
    }

    [Fact]
    public async Task A_parse_error_is_reported_without_repeating_the_event()
    {
        var name = new string('n', 100_000);

        var error = await Refused($$$"""{"action":"failover","{{{name}}}":{"{{{name}}}":tru}}""");

        error.Message.Length.Should().BeLessThan(400);
    }
}
