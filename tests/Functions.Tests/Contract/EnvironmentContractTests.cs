using System.Text.RegularExpressions;
using Failover.Functions.Handlers;
using Failover.Functions.Runtime;
using Failover.Functions.Tests.Harness;

namespace Failover.Functions.Tests.Contract;

/// The functions read exactly the environment FunctionContract declares: what infra/ sets is what they need.
public sealed partial class EnvironmentContractTests : IDisposable
{
    private readonly RecordingEndpoint _aws = new();

    public void Dispose() => _aws.Dispose();

    /// Every handler that needs a setting, with nothing at all in its environment or with only what Lambda itself sets
    /// (credentials, region).
    public static TheoryData<string, bool> Handlers()
    {
        var data = new TheoryData<string, bool>();
        foreach (var handler in FunctionContract.All.Where(h => h.Environment.Required.Count > 0).Select(h => h.Name))
        {
            data.Add(handler, false);
            data.Add(handler, true);
        }
        return data;
    }

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")]
    private static partial Regex VariableName();

    [Theory]
    [MemberData(nameof(Handlers))]
    public async Task Without_settings_a_handler_names_exactly_the_contracts_required_variables_and_calls_nothing(string handler, bool lambdaEnvironment)
    {
        var env = lambdaEnvironment
            ? new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = "secret", ["AWS_REGION"] = "us-west-2", ["AWS_ENDPOINT_URL"] = _aws.Url,
            }
            : [];

        var act = () => World.Invoke(handler, HandlerRequests.Valid[handler], env, TimeProvider.System);

        var error = (await act.Should().ThrowAsync<ConfigurationException>()).Which;
        error.ErrorType.Should().Be("ConfigurationError");
        VariableName().Matches(error.Message).Select(m => m.Value).Distinct()
            .Should().BeEquivalentTo(FunctionContract.Find(handler)!.Environment.Required, error.Message);
        _aws.Requests.Should().BeEmpty();
    }

    /// Every (handler, name) where the name is one another handler reads but the contract does not declare for this one.
    public static TheoryData<string, string> UndeclaredNames()
    {
        var data = new TheoryData<string, string>();
        var everyName = FunctionContract.All.SelectMany(h => h.Environment.Required.Concat(h.Environment.Optional)).Distinct().ToList();
        foreach (var handler in FunctionContract.All)
        foreach (var name in everyName.Where(n => !handler.Environment.Declares(n)))
            data.Add(handler.Name, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(UndeclaredNames))]
    public void Settings_refuses_to_read_a_variable_the_contract_does_not_declare_for_its_handler(string handler, string name)
    {
        var settings = new Settings(_ => "1", FunctionContract.Find(handler)!);

        foreach (var read in new Action[]
        {
            () => settings.Required(name), () => settings.Optional(name), () => settings.Int(name), () => settings.List(name), () => settings.Flag(name),
        })
            read.Should().Throw<InvalidOperationException>().WithMessage($"*{handler}*{name}*");
    }

    [Fact]
    public void Settings_reads_a_declared_variable()
    {
        var settings = new Settings(name => name == EnvNames.CooldownSeconds ? "60" : null, FunctionContract.Decide);

        settings.Int(EnvNames.CooldownSeconds, 900).Should().Be(60);
        settings.Optional(EnvNames.PrimaryAlarmNames).Should().BeNull();
    }
}
