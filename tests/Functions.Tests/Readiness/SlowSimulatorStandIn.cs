using System.Net;
using System.Text;
using System.Web;

namespace Failover.Functions.Tests.Readiness;

/// An IAM policy simulator stand-in on 127.0.0.1 that allows whatever it is asked, each answer after `delay`, and counts how
/// many requests it held at once: how many simulations the check runs side by side.
public sealed class SlowSimulatorStandIn : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly TimeSpan _delay;
    private int _inFlight;
    private int _mostAtOnce;

    public SlowSimulatorStandIn(TimeSpan delay)
    {
        _delay = delay;
        Url = $"http://127.0.0.1:{MotoServer.FreePort()}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        for (var most = _mostAtOnce; now > most; most = _mostAtOnce)
            Interlocked.CompareExchange(ref _mostAtOnce, now, most);
        var form = HttpUtility.ParseQueryString(await new StreamReader(context.Request.InputStream, Encoding.UTF8).ReadToEndAsync());
        await Task.Delay(_delay);
        Interlocked.Decrement(ref _inFlight);
        var results = string.Concat(
            from action in Members(form, "ActionNames")
            from resource in Members(form, "ResourceArns")
            select $"<member><EvalActionName>{action}</EvalActionName><EvalResourceName>{resource}</EvalResourceName><EvalDecision>allowed</EvalDecision></member>");
        var body = Encoding.UTF8.GetBytes("<SimulatePrincipalPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><SimulatePrincipalPolicyResult>" +
            $"<IsTruncated>false</IsTruncated><EvaluationResults>{results}</EvaluationResults></SimulatePrincipalPolicyResult>" +
            "<ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata></SimulatePrincipalPolicyResponse>");
        context.Response.ContentType = "text/xml";
        await context.Response.OutputStream.WriteAsync(body);
        context.Response.Close();
    }

    private static IEnumerable<string> Members(System.Collections.Specialized.NameValueCollection form, string prefix) =>
        Enumerable.Range(1, 100).Select(i => form[$"{prefix}.member.{i}"]).TakeWhile(v => v is not null).Select(v => v!);

    public void Dispose() => _listener.Close();
}
