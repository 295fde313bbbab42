using System.CommandLine;
using System.Text.Json.Nodes;
using Failover.Ops.Aws;
using Failover.Ops.Pulumi;

namespace Failover.Ops.Cli;

/// What one command run works with, made from its options: the project, the Pulumi CLI, the caller's AWS clients and the output.
public sealed class Session
{
    private readonly Dictionary<string, DeployedStack> _stacks = new(StringComparer.Ordinal);

    public Session(OpsContext context, ParseResult parse)
    {
        // --profile and --region reach everything this run starts: the credential chain and the Pulumi CLI alike.
        context = GlobalOptions.Apply(parse, context);
        Context = context;
        Output = new Output(context, GlobalOptions.WantsJson(parse));
        Project = Project.Find(context, parse.GetValue(GlobalOptions.Cwd), parse.GetValue(GlobalOptions.PrimaryStack)!, parse.GetValue(GlobalOptions.SecondaryStack)!);
        Processes = new ProcessRunner(context);
        Pulumi = new PulumiCli(Processes, Project.Directory);
        Aws = new OpsAws(context);
    }

    public OpsContext Context { get; }
    public Output Output { get; }
    public Project Project { get; }
    public ProcessRunner Processes { get; }
    public PulumiCli Pulumi { get; }
    public OpsAws Aws { get; }

    public DateTimeOffset Now => Context.Time.GetUtcNow();

    /// A stack's outputs, read once per run; when Pulumi cannot answer, the copy saved by the last command that could.
    public async Task<DeployedStack> StackAsync(string stack, CancellationToken cancellationToken)
    {
        if (_stacks.TryGetValue(stack, out var known)) return known;
        var cache = new OutputsCache(Context, Project.Directory);
        JsonObject outputs;
        try
        {
            outputs = await Pulumi.StackOutputsAsync(stack, cancellationToken);
            cache.Save(stack, outputs, Now);
        }
        catch (OpsException e) when (cache.Load(stack) is { } saved)
        {
            Output.Warn($"{e.Message}; using the outputs of stack {stack} saved at {saved.SavedAt} (they change only with a deploy)");
            outputs = saved.Outputs;
        }
        return _stacks[stack] = DeployedStack.From(stack, outputs);
    }

    public Task<DeployedStack> PrimaryAsync(CancellationToken cancellationToken) => StackAsync(Project.PrimaryStack, cancellationToken);

    public Task<DeployedStack> SecondaryAsync(CancellationToken cancellationToken) => StackAsync(Project.SecondaryStack, cancellationToken);
}
