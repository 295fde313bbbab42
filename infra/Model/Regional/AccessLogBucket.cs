using Failover.Infra.Iam;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// The S3 bucket the ALB writes its access logs to: private, encrypted, TLS only, expiring, writable by ELB's log delivery
/// for this account's logs alone.
public sealed record AccessLogBucket
{
    public required Resource Bucket { get; init; }
    /// The ALB may enable logging only once ELB can write: it checks by writing a test object when logging is turned on.
    public required Resource Policy { get; init; }

    /// Who writes ALB access logs, per ELB's guide (Enable access logs, step 2: attach a policy to your S3 bucket): in the
    /// Regions available before August 2022, ELB's own account in that Region; in every later Region the log-delivery service
    /// principal, which those older Regions do not accept.
    public static Principal LogWriter(string region, Ref partition) => ElbAccounts.TryGetValue(region, out var account)
        ? Principal.Aws(Value.Format($"arn:{partition}:iam::{account}:root"))
        : Principal.Service("logdelivery.elasticloadbalancing.amazonaws.com");

    /// ELB's account per Region available before August 2022 (ELB guide, Enable access logs, step 2; GovCloud and China from
    /// their own guides).
    internal static readonly IReadOnlyDictionary<string, string> ElbAccounts = new Dictionary<string, string>
    {
        ["us-east-1"] = "127311923021", ["us-east-2"] = "033677994240", ["us-west-1"] = "027434742980", ["us-west-2"] = "797873946194",
        ["af-south-1"] = "098369216593", ["ap-east-1"] = "754344448648", ["ap-southeast-3"] = "589379963580",
        ["ap-south-1"] = "718504428378", ["ap-northeast-3"] = "383597477331", ["ap-northeast-2"] = "600734575887",
        ["ap-southeast-1"] = "114774131450", ["ap-southeast-2"] = "783225319266", ["ap-northeast-1"] = "582318560864",
        ["ca-central-1"] = "985666609251", ["eu-central-1"] = "054676820928", ["eu-west-1"] = "156460612806",
        ["eu-west-2"] = "652711504416", ["eu-south-1"] = "635631232127", ["eu-west-3"] = "009996457667",
        ["eu-north-1"] = "897822967062", ["me-south-1"] = "076674570225", ["sa-east-1"] = "507241528517",
        ["us-gov-west-1"] = "048591011584", ["us-gov-east-1"] = "190560391635",
        ["cn-north-1"] = "638102146993", ["cn-northwest-1"] = "037604701340",
    };

    public static AccessLogBucket Create(PulumiProgram program, Naming naming, AwsAccount account, int expireAfterDays)
    {
        var bucket = program.Add(new Resource
        {
            Name = "alb-logs-bucket",
            Type = "aws:s3/bucket:Bucket",
            Properties = Map.Of(
                // Bucket names are global: a prefix keeps them unique, and a replacement never waits for the old name.
                ("bucketPrefix", naming.NamePrefix("alb-logs", 37)),
                ("tags", naming.TagsNamed("alb-logs"))),
        });
        var publicAccessBlock = program.Add(new Resource
        {
            Name = "alb-logs-public-access-block",
            Type = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            Properties = Map.Of(
                ("bucket", bucket.Out("id")),
                ("blockPublicAcls", true),
                ("blockPublicPolicy", true),
                ("ignorePublicAcls", true),
                ("restrictPublicBuckets", true)),
        });
        program.Add(new Resource
        {
            Name = "alb-logs-encryption",
            Type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            Properties = Map.Of(
                ("bucket", bucket.Out("id")),
                // SSE-S3: the only encryption ELB can deliver access logs into (ELB guide, Enable access logs, step 1).
                ("rules", Value.List(Map.Of(("applyServerSideEncryptionByDefault", Map.Of(("sseAlgorithm", "AES256"))))))),
        });
        program.Add(new Resource
        {
            Name = "alb-logs-lifecycle",
            Type = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            Properties = Map.Of(
                ("bucket", bucket.Out("id")),
                ("rules", Value.List(Map.Of(
                    ("id", "expire-access-logs"),
                    ("status", "Enabled"),
                    ("filter", Map.Of(("prefix", ""))),
                    ("expiration", Map.Of(("days", expireAfterDays))))))),
        });

        var logs = Value.Format($"{bucket.Out("arn")}/AWSLogs/{account.AccountId}/*");
        var document = new PolicyDocument()
            .AllowPrincipal("ElbWritesThisAccountsLogs", LogWriter(account.Region, account.Partition), Actions.S3.PutObject, logs)
            .Add(new Statement
            {
                Sid = "DenyUnencryptedTransport",
                Effect = Effect.Deny,
                Principal = new Principal("AWS", "*"),
                Actions = Actions.S3.Any,
                Resources = [bucket.Out("arn"), Value.Format($"{bucket.Out("arn")}/*")],
                Conditions = [new Condition("Bool", "aws:SecureTransport", ["false"])],
            });
        var policy = program.Add(new Resource
        {
            Name = "alb-logs-bucket-policy",
            Type = "aws:s3/bucketPolicy:BucketPolicy",
            Properties = Map.Of(("bucket", bucket.Out("id")), ("policy", document.ToValue())),
            // S3 refuses a second change to a bucket's access settings while one is in flight (OperationAborted).
            Options = new ResourceOptions { DependsOn = [publicAccessBlock] },
        });
        return new AccessLogBucket { Bucket = bucket, Policy = policy };
    }
}
