using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Failover.Tests.Shared;

/// A moto server on 127.0.0.1 for the test run, reset before each test that arranges a world.
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;
    private readonly HttpClient _http = new();

    public string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var check = Process.Start(new ProcessStartInfo("python3", ["-c", "import moto"]) { RedirectStandardError = true })!;
        await check.WaitForExitAsync();
        if (check.ExitCode != 0)
            throw new InvalidOperationException("moto is not installed: `python3 -c \"import moto\"` failed. The function tests need the moto AWS emulator (pip install 'moto[server]').");

        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("python3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // moto reports this many running tasks for a new service, and its deployment COMPLETED when that covers the desired count (docs/design.md §9).
        start.Environment["MOTO_ECS_SERVICE_RUNNING"] = "1";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        for (var i = 0; i < 150; i++)
        {
            try
            {
                using var response = await _http.GetAsync($"{Url}/moto-api/");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            if (_process.HasExited) throw new InvalidOperationException($"moto exited with code {_process.ExitCode} before it answered");
            await Task.Delay(100);
        }
        throw new TimeoutException($"moto did not answer on {Url} within 15 s");
    }

    /// From now on every request must be signed by credentials moto knows and allowed by their policies (0), or none (inf).
    public async Task EnforceAuthAsync(bool enforce)
    {
        using var response = await _http.PostAsync($"{Url}/moto-api/reset-auth", new StringContent(enforce ? "0" : "inf"));
        response.EnsureSuccessStatusCode();
    }

    public async Task ResetAsync()
    {
        using var response = await _http.PostAsync($"{Url}/moto-api/reset", null);
        response.EnsureSuccessStatusCode();
    }

    private Process? _world;
    private readonly SemaphoreSlim _worldGate = new(1, 1);

    /// Asks Moto/world.py (boto3, one long-lived process) to arrange or inspect this server; returns its JSON answer.
    public async Task<JsonNode?> WorldAsync(params string[] args)
    {
        await _worldGate.WaitAsync();
        try
        {
            if (_world is null || _world.HasExited)
            {
                var script = Path.Combine(AppContext.BaseDirectory, "Moto", "world.py");
                var start = new ProcessStartInfo("python3", [script, "serve"]) { RedirectStandardInput = true, RedirectStandardOutput = true };
                start.Environment["MOTO_URL"] = Url;
                _world = Process.Start(start)!;
            }
            await _world.StandardInput.WriteLineAsync(new JsonArray(args.Select(a => (JsonNode?)a).ToArray()).ToJsonString());
            await _world.StandardInput.FlushAsync();
            var line = await _world.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("world.py exited");
            var answer = JsonNode.Parse(line)!;
            if (answer["error"] is { } error) throw new InvalidOperationException($"world.py {string.Join(' ', args)} failed: {error}");
            return answer["result"];
        }
        finally
        {
            _worldGate.Release();
        }
    }

    public Task DisposeAsync()
    {
        if (_world is { HasExited: false }) _world.Kill();
        _world?.Dispose();
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        _http.Dispose();
        return Task.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition("moto")]
public sealed class MotoCollection : ICollectionFixture<MotoServer>;
