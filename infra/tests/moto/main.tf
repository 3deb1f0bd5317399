# The moto test root (scripts/infra-test.sh): the audit module applied as the Audit account,
# the management module as the management account, one forwarder in a second region, and the
# member StackSet deployed by moto into a member account of an OU (two regions), all against
# a moto server on loopback. moto picks the account of a request from the
# credentials it issued, so each provider assumes a role in its account through moto's STS.
# Credentials are the dummy ones from scripts/env.sh (environment variables).

locals {
  services  = ["cloudformation", "cloudwatch", "dynamodb", "events", "iam", "kms", "lambda", "logs", "organizations", "sns", "sqs", "sts"]
  endpoints = { for s in local.services : s => var.moto_endpoint }
}

provider "aws" {
  alias  = "audit"
  region = "us-east-1"

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  assume_role {
    role_arn     = "arn:aws:iam::${var.audit_account_id}:role/OrganizationAccountAccessRole"
    session_name = "driftguard-infra-test"
  }

  endpoints {
    cloudwatch = local.endpoints.cloudwatch
    dynamodb   = local.endpoints.dynamodb
    events     = local.endpoints.events
    iam        = local.endpoints.iam
    kms        = local.endpoints.kms
    lambda     = local.endpoints.lambda
    logs       = local.endpoints.logs
    sns        = local.endpoints.sns
    sqs        = local.endpoints.sqs
    sts        = local.endpoints.sts
  }
}

provider "aws" {
  alias  = "audit_eu"
  region = "eu-west-1"

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  assume_role {
    role_arn     = "arn:aws:iam::${var.audit_account_id}:role/OrganizationAccountAccessRole"
    session_name = "driftguard-infra-test"
  }

  endpoints {
    events = local.endpoints.events
    iam    = local.endpoints.iam
    sts    = local.endpoints.sts
  }
}

provider "aws" {
  alias  = "management"
  region = "us-east-1"

  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  assume_role {
    role_arn     = "arn:aws:iam::${var.management_account_id}:role/OrganizationAccountAccessRole"
    session_name = "driftguard-infra-test"
  }

  endpoints {
    cloudformation = local.endpoints.cloudformation
    events         = local.endpoints.events
    iam            = local.endpoints.iam
    organizations  = local.endpoints.organizations
    sts            = local.endpoints.sts
  }
}

module "audit" {
  source    = "../../modules/audit"
  providers = { aws = aws.audit }

  organization_id       = aws_organizations_organization.this.id
  management_account_id = var.management_account_id
  artifacts_dir         = var.artifacts_dir
  alert_emails          = ["secops@example.com"]
  # AWS Chatbot is not emulated by moto: slack stays null here.
}

# GuardDuty findings of a second region, forwarded by the Audit account's role.
module "audit_findings_eu_west_1" {
  source    = "../../modules/forwarder"
  providers = { aws = aws.audit_eu }

  name                 = "driftguard-guardduty-findings"
  event_pattern        = module.audit.guardduty_finding_pattern_json
  target_event_bus_arn = module.audit.event_bus_arn
  create_role          = false
  role_arn             = module.audit.forwarder_role_arn
}

module "management" {
  source    = "../../modules/management"
  providers = { aws = aws.management }

  organization_id     = aws_organizations_organization.this.id
  audit_account_id    = var.audit_account_id
  audit_event_bus_arn = module.audit.event_bus_arn
  function_role_arns  = module.audit.function_role_arns
}

# The member side: an organization with one OU and one member account (moto gives it a
# random id), and the service-managed StackSet targeting the OU in two regions. moto creates
# the stacks' resources in the member account (it ignores AutoDeployment and CallAs).
resource "aws_organizations_organization" "this" {
  provider    = aws.management
  feature_set = "ALL"
}

resource "aws_organizations_organizational_unit" "workloads" {
  provider  = aws.management
  name      = "Workloads"
  parent_id = aws_organizations_organization.this.roots[0].id
}

resource "aws_organizations_account" "member" {
  provider  = aws.management
  name      = "workload-1"
  email     = "workload-1@example.com"
  parent_id = aws_organizations_organizational_unit.workloads.id
}

module "member" {
  source    = "../../modules/member"
  providers = { aws = aws.management }

  organization_id         = aws_organizations_organization.this.id
  audit_account_id        = var.audit_account_id
  audit_event_bus_arn     = module.audit.event_bus_arn
  function_role_arns      = module.audit.function_role_arns
  regions                 = ["us-east-1", "eu-west-1"]
  home_region             = "us-east-1"
  organizational_unit_ids = [aws_organizations_organizational_unit.workloads.id]

  depends_on = [aws_organizations_account.member]
}
