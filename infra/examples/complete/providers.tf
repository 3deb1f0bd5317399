# One provider per account and region. allowed_account_ids makes a wrong profile fail
# before anything is created. Credentials: the named profiles (or the environment).

provider "aws" {
  alias               = "audit"
  region              = var.home_region
  profile             = var.audit_profile
  allowed_account_ids = [var.audit_account_id]
  default_tags { tags = var.tags }
}

provider "aws" {
  alias               = "audit_secondary"
  region              = var.secondary_region
  profile             = var.audit_profile
  allowed_account_ids = [var.audit_account_id]
  default_tags { tags = var.tags }
}

# Organizations, IAM and console sign-in events reach EventBridge only in us-east-1.
provider "aws" {
  alias               = "management"
  region              = "us-east-1"
  profile             = var.management_profile
  allowed_account_ids = [var.management_account_id]
  default_tags { tags = var.tags }
}

provider "aws" {
  alias               = "management_secondary"
  region              = var.secondary_region
  profile             = var.management_profile
  allowed_account_ids = [var.management_account_id]
  default_tags { tags = var.tags }
}
