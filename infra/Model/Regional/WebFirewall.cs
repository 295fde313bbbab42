using Failover.Infra.Config;
using Failover.Infra.Yaml;

namespace Failover.Infra.Regional;

/// The opt-in AWS WAF WebACL in front of the ALB: one rate-based rule that blocks a client IP sending more than the limit
/// per five minutes; everything else is allowed, so the ACL never decides whether the region is healthy.
public sealed record WebFirewall
{
    public required Resource WebAcl { get; init; }

    public static WebFirewall Create(PulumiProgram program, Naming naming, Resource alb, EdgeSettings settings)
    {
        var metric = naming.Named("waf");
        var webAcl = program.Add(new Resource
        {
            Name = "waf-web-acl",
            Type = "aws:wafv2/webAcl:WebAcl",
            Properties = Map.Of(
                // A prefix, like the security groups: a replacement (scope) is created before the old ACL is deleted.
                ("namePrefix", naming.NamePrefix("waf", 128)),
                ("description", "Rate limit per client IP in front of the failover-protected service's ALB"),
                ("scope", "REGIONAL"),
                ("defaultAction", Map.Of(("allow", Map.Of()))),
                ("rules", Value.List(Map.Of(
                    ("name", "rate-limit-per-ip"),
                    ("priority", 0),
                    ("action", Map.Of(("block", Map.Of()))),
                    ("statement", Map.Of(("rateBasedStatement", Map.Of(
                        ("aggregateKeyType", "IP"),
                        ("limit", settings.WafRateLimit),
                        ("evaluationWindowSec", EdgeSettings.WafEvaluationWindowSeconds))))),
                    ("visibilityConfig", Visibility($"{metric}-rate-limit"))))),
                ("visibilityConfig", Visibility(metric)),
                ("tags", naming.TagsNamed("waf"))),
        });
        program.Add(new Resource
        {
            Name = "waf-association",
            Type = "aws:wafv2/webAclAssociation:WebAclAssociation",
            Properties = Map.Of(("resourceArn", alb.Out("arn")), ("webAclArn", webAcl.Out("arn"))),
        });
        return new WebFirewall { WebAcl = webAcl };
    }

    // Blocked requests show as CloudWatch metrics and sampled requests in the WAF console, free of charge.
    private static Map Visibility(string metricName) => Map.Of(
        ("cloudwatchMetricsEnabled", true),
        ("metricName", metricName),
        ("sampledRequestsEnabled", true));
}
