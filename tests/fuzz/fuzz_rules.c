/* fuzz_rules: rule file loading (a rule JSON under rules/<provider>/, with an
 * optional guide from its "note"), binding, export and the repo's pretty JSON.
 *
 * Input: the bytes of rules/fuzz/fuzz_rule.json in a scratch root. */
#include "fuzz_common.h"
#include "rules.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/rules/fuzz/fuzz_rule.json", fz_tmpdir());
    fz_write(path, data, size);
    ct_ruleset rs;
    ct_rules_load(fz_tmpdir(), &rs, fz_quiet_diag, NULL);
    ct_store st;
    ct_store_init(&st);
    ct_rules_bind(&rs, &st);
    for (size_t i = 0; i < rs.n; i++) {
        const ct_rule *r = &rs.v[i];
        FZ_CHECK(r->rule_id && r->name && r->query && (r->kql || r->esql)); /* an ES|QL rule has no KQL */
        FZ_CHECK(ct_rules_find(&rs, r->rule_id) != NULL);
        char *p = ct_json_pretty(r->json);
        FZ_CHECK(p && p[0] && p[strlen(p) - 1] == '\n');
        cJSON *back = cJSON_Parse(p);
        FZ_CHECK(back != NULL);
        cJSON_Delete(back);
        free(p);
    }
    FILE *null = fopen("/dev/null", "w");
    if (null) {
        ct_rules_export(&rs, null);
        fclose(null);
    }
    ct_store_free(&st);
    ct_rules_free(&rs);
    return 0;
}
