"""Shared helpers of the infra tests: boto3 sessions acting in a moto account, outputs."""

import json
import os

import boto3

AUDIT_ACCOUNT = "222222222222"
MANAGEMENT_ACCOUNT = "111111111111"
FUNCTIONS = ["trail-guard", "org-guard", "root-guard", "guardduty-guard"]


def endpoint() -> str:
    return os.environ["MOTO_ENDPOINT"]


def session(account: str, region: str = "us-east-1") -> boto3.Session:
    """A boto3 session acting in `account`: moto attributes requests made with credentials
    it issued through AssumeRole to the role's account (it checks no trust policy)."""
    sts = boto3.client("sts", endpoint_url=endpoint(), region_name=region)
    creds = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="driftguard-infra-test",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def client(sess: boto3.Session, service: str):
    return sess.client(service, endpoint_url=endpoint())


def outputs(path: str) -> dict:
    """`terraform output -json` of the moto test root, flattened to values."""
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    return {k: v["value"] for k, v in raw.items()}


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]
