namespace Failover.Contract.Readiness;

/// The quota the recovery region's tasks count against: "Fargate On-Demand vCPU resource count" in Service Quotas. The check
/// reads it by these codes and the readiness role is granted it by the ARN they make, so both name the same quota.
public static class FargateQuota
{
    public const string ServiceCode = "fargate";
    public const string QuotaCode = "L-3032A538";

    /// The quota's ARN resource part (arn:PARTITION:servicequotas:REGION:ACCOUNT:SERVICE/QUOTA).
    public const string ArnResource = ServiceCode + "/" + QuotaCode;
}
