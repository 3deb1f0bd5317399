"""moto server for scripts/infra-test.sh, with one change: EventBridge rules skip Lambda targets.

moto 5 delivers rule matches to SQS, log groups and event buses but raises
NotImplementedError for a Lambda target (it cannot run the function), which would fail the
whole PutEvents call. The deployed rules keep their Lambda targets (the API checks assert
them); the routing test adds an SQS queue to every rule and reads what each rule matched.

Also for speed only: moto parses the same JSONPath expressions for every event and target
(jsonpath_ng rebuilds its parser tables on each call, ~35 ms); the parse is memoized.

Usage: python3 infra/tests/moto_server.py -H 127.0.0.1 -p PORT
"""

import functools
import sys

import jsonpath_ng.ext
from moto import server
from moto.events import models

jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)

_send_to_targets = models.Rule.send_to_targets


def _send_to_targets_without_lambda(self, original_event, transform_input=True):
    targets = self.targets
    kept = [t for t in targets if ":lambda:" not in t.get("Arn", "")]
    if len(kept) == len(targets):
        return _send_to_targets(self, original_event, transform_input)
    self.targets = kept
    try:
        return _send_to_targets(self, original_event, transform_input)
    finally:
        self.targets = targets


models.Rule.send_to_targets = _send_to_targets_without_lambda

if __name__ == "__main__":
    server.main(sys.argv[1:])
