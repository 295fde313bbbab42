namespace Failover.Infra.Config;

/// The container and its Fargate task size.
public sealed record ContainerSettings
{
    public required string Image { get; init; }
    /// The image (an ECR image in another region) may come from outside this stack's region.
    public required bool AllowCrossRegionImage { get; init; }
    public required int Port { get; init; }
    /// Path the ALB and Route 53 probe.
    public required string HealthCheckPath { get; init; }
    /// Shell command run inside the container; a non-zero exit marks the task unhealthy.
    public required string HealthCheckCommand { get; init; }
    public required int Cpu { get; init; }
    public required int Memory { get; init; }

    /// `curl` against the health path on the container's own port: what the ALB checks, seen from inside.
    public static string HealthCheckCommandDefault(int port, string path) => $"curl -fsS -o /dev/null http://127.0.0.1:{port}{path} || exit 1";
}

/// containerImage, allowCrossRegionImage, containerPort, the health check, and the task size.
public static class ContainerSection
{
    public static readonly TextSetting Image = new()
    {
        Key = "containerImage",
        Required = "the image to run, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2",
        Form = "an image reference without spaces; a private ECR image in this stack's region",
        Description = "the image to run; an ECR image also scopes the execution role's pull permission to its repository",
        Why = "required: the application is yours",
    };

    public static readonly BoolSetting AllowCrossRegionImage = new()
    {
        Key = "allowCrossRegionImage",
        Default = false,
        Description = "lets containerImage name another region's ECR registry (the standby then needs that region to start)",
        Why = "false: the standby pulls the image during the failover, when the other region may be the one that is down (Fargate caches no image)",
    };

    public static readonly IntSetting Port = new()
    {
        Key = "containerPort",
        Default = 8080,
        Min = 1,
        Max = 65535,
        Description = "the port the container listens on",
        Why = "8080: the common unprivileged port of application images",
    };

    public static readonly TextSetting HealthCheckPath = new()
    {
        Key = "healthCheckPath",
        Default = "/health",
        Form = "a URL path starting with /, without spaces",
        Description = "the path the ALB and Route 53 probe; it must answer 2xx/3xx when the region can serve",
        Why = "/health: the conventional path",
    };

    public static readonly TextSetting HealthCheckCommand = new()
    {
        Key = "healthCheckCommand",
        DerivedDefault = "curl -fsS -o /dev/null http://127.0.0.1:PORT/PATH || exit 1",
        Form = "a non-empty shell command",
        Description = "the container health check (CMD-SHELL); a non-zero exit marks the task unhealthy",
        Why = "curl against the health path on the container's own port: what the ALB checks, seen from inside",
    };

    public static readonly IntSetting Cpu = new()
    {
        Key = "cpu",
        Default = 512,
        Min = 256,
        Rule = $"a Fargate CPU size: {string.Join(", ", FargateSizes.MemoryByCpu.Keys)}",
        Description = "the task's CPU units",
        Why = "0.5 vCPU: with 1 GiB, the smallest size most web services start comfortably in",
    };

    public static readonly IntSetting Memory = new()
    {
        Key = "memory",
        Default = 1024,
        Min = 512,
        Rule = "a Fargate memory size for cpu (cpu 512: 1024-4096 MiB in steps of 1024)",
        Description = "the task's memory (MiB)",
        Why = "1 GiB: with 0.5 vCPU, the smallest size most web services start comfortably in",
    };

    public static IReadOnlyList<Setting> All => [Image, AllowCrossRegionImage, Port, HealthCheckPath, HealthCheckCommand, Cpu, Memory];

    internal static ContainerSettings Parse(ConfigReader r, string region)
    {
        var image = r.Required(Image) ?? "";
        if (image.Any(char.IsWhiteSpace)) r.Fail(Image, $"must not contain spaces (got '{image}')");
        var crossRegion = r.Bool(AllowCrossRegionImage);
        // Fargate pulls the whole image for every task it starts (ECS guide, "Fargate pull behavior"): a standby that pulls from the
        // region it replaces cannot start when that region is down.
        if (Regional.EcsService.EcrImageRegion(image) is { } imageRegion && region.Length > 0 && imageRegion != region && !crossRegion)
            r.Fail(Image, $"is in {imageRegion}'s ECR registry, but this stack runs in {region}: its tasks pull the image when they start, during " +
                $"a failover too, when {imageRegion} may be the region that is down. Replicate the repository to {region} (ECR registry replication) and " +
                $"name that copy here, pinned by digest (REPOSITORY@sha256:...) so both regions run the same image; or set allowCrossRegionImage: true");
        var port = r.Int(Port);
        var path = r.Text(HealthCheckPath);
        if (!path.StartsWith('/') || path.Any(char.IsWhiteSpace)) r.Fail(HealthCheckPath, $"must be a URL path starting with '/' (got '{path}')");
        var command = r.Text(HealthCheckCommand, ContainerSettings.HealthCheckCommandDefault(port, path));
        if (string.IsNullOrWhiteSpace(command)) r.Fail(HealthCheckCommand, "must not be empty");

        var cpu = r.Int(Cpu);
        var memory = r.Int(Memory);
        if (!FargateSizes.MemoryByCpu.TryGetValue(cpu, out var sizes)) r.Fail(Cpu, $"must be a Fargate CPU size {string.Join(", ", FargateSizes.MemoryByCpu.Keys)} (got {cpu})");
        else if (!sizes.Contains(memory))
            r.Fail(Memory, $"must be a Fargate memory size for cpu {cpu}: {sizes.Min()}-{sizes.Max()} MiB in steps of {sizes[1] - sizes[0]} (got {memory})");

        return new ContainerSettings { Image = image, AllowCrossRegionImage = crossRegion, Port = port, HealthCheckPath = path, HealthCheckCommand = command, Cpu = cpu, Memory = memory };
    }
}
