using Failover.Infra.Control;
using Failover.Infra.Yaml;

namespace Failover.Infra.Tests.Control;

/// The compiler sets a function's environment only through the contract the functions read (functions/Contract).
public sealed class FunctionEnvironmentTests
{
    public static TheoryData<string> Handlers => new(FunctionContract.All.Select(h => h.Name));

    [Theory]
    [MemberData(nameof(Handlers))]
    public void Every_required_variable_set_builds_the_environment(string handler)
    {
        var descriptor = FunctionContract.Find(handler)!;
        var environment = new FunctionEnvironment(descriptor);
        foreach (var name in descriptor.Environment.Required) environment.Set(name, new Ref("somewhere", name));

        var variables = (Map)environment.Build().Entries["variables"];

        variables.Entries.Keys.Should().BeEquivalentTo([.. descriptor.Environment.Required, "DOTNET_GCgen0size"],
            "what was set, and the one variable the .NET runtime reads");
    }

    public static TheoryData<string> HandlersWithRequiredVariables => new(FunctionContract.All.Where(h => h.Environment.Required.Count > 0).Select(h => h.Name));

    [Theory]
    [MemberData(nameof(HandlersWithRequiredVariables))]
    public void A_missing_required_variable_fails_the_compile_naming_it(string handler)
    {
        var descriptor = FunctionContract.Find(handler)!;
        var required = descriptor.Environment.Required;
        var environment = new FunctionEnvironment(descriptor);
        foreach (var name in required.Skip(1)) environment.Set(name, "x");

        environment.Invoking(e => e.Build()).Should().Throw<InvalidOperationException>().WithMessage($"{handler} cannot run without {required[0]}.");
    }

    [Fact]
    public void A_variable_the_handler_does_not_read_is_refused() =>
        new FunctionEnvironment(FunctionContract.CheckService).Invoking(e => e.Set(EnvNames.ControlTableName, "table"))
            .Should().Throw<ArgumentException>().WithMessage("check-service does not read CONTROL_TABLE_NAME*");

    [Fact]
    public void The_default_flag_output_and_the_config_accept_the_contracts_spellings()
    {
        TestStacks.Program("primary", ("defaultFlag", "false")).Outputs["defaultFlag"].Should().Be(new Str(Wire.Of(FlagMode.Block)));
        foreach (var (spelling, mode) in Wire.FlagSpellings)
            TestStacks.Config(overrides: ("defaultFlag", spelling)).DefaultFlag.Should().Be(mode);
    }
}
