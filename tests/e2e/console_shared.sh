#!/bin/sh
# Console (issue #17): an identity with alerts involving more than 8 others
# (CT_INCIDENT_HUB_PEERS) is a shared identity, not used to join alerts into
# one incident; the queue says so first on each incident's reasons line and in
# the detail lines, so a burst split into incidents is explained where it is
# seen. 80x24, rows compared whole (trailing blanks cut).
CT_LIB_SOURCED=1 . "$(dirname "$0")/console_lib.sh"
k=0
while [ $k -lt 9 ]; do # automation makes a key for u0..u8, a minute apart
    printf '{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAAUTOMATION","arn":"arn:aws:iam::111122223333:user/automation","accountId":"111122223333","accessKeyId":"AKIAAUTOMATION00001","userName":"automation"},"eventTime":"2026-11-06T14:0%d:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateAccessKey","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.1","userAgent":"aws-cli/2.13","requestParameters":{"userName":"u%d"},"responseElements":{"accessKey":{"accessKeyId":"AKIAUSER%d0000000000","status":"Active","userName":"u%d","createDate":"Nov 6, 2026 2:0%d:00 PM"}},"eventID":"0000000%d-1111-2222-3333-444444444444","eventType":"AwsApiCall","recipientAccountId":"111122223333"}\n' $k $k $k $k $k $k
    k=$((k + 1))
done > "$TMP/burst.ndjson"
SAMPLES="$TMP/burst.ndjson"
ct_start --
ct_wait "Alert queue [open] 18 of 18, 9 incidents"
ct_expect_row 3 "▾  25 HIGH open 2 alerts  automation → u8  AWS IAM User Creat…s For Another User"
ct_expect_row 4 "    automation is a shared identity (alerts with 9 others, more than 8): not jo~"
ct_expect_row 20 " INC-4667590efa33  score 25 HIGH open, 2 alerts, 11-06 14:08 .. 14:08"
ct_expect_row 21 " automation is a shared identity (alerts with 9 others, more than 8): not"
ct_expect_row 22 " joined through it; +15 high rule: AWS IAM User Created Access Keys For Anothe~"
ct_quit
exit 0
