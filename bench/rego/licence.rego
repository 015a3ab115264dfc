# The licence rules of rules/licence.yaml, written in Rego for a side-by-side benchmark and a parity test.
# Three-valued like icpcheck: every rule is "pass", "fail", "unknown" (data missing) or "skip".
# input: {"profile": <profile as JSON>, "as_of": "YYYY-MM-DD", "months": [last full months, newest last],
#         "validity_limit": as_of + domain.min_validity_months, "params": <parameters in force>}
package icp.licence

import rego.v1

absent := "__absent__"

p := input.profile

params := input.params

get(obj, key) := object.get(obj, key, absent) if is_object(obj)

get(obj, _) := absent if not is_object(obj)

missing(v) if v == absent

missing(v) if v == null

all3(xs) := "fail" if {
	some x in xs
	x == "fail"
} else := "unknown" if {
	some x in xs
	x == "unknown"
} else := "pass"

any3(xs) := "pass" if {
	some x in xs
	x == "pass"
} else := "unknown" if {
	some x in xs
	x == "unknown"
} else := "fail"

# a leaf comparison: unknown when the value is absent or null, else pass/fail by `ok`
leaf(v, ok) := "unknown" if missing(v)

else := "pass" if ok

else := "fail"

eq(v, want) := leaf(v, v == want)

company := get(p, "company")

filings := get(p, "filings")

hosting := get(p, "hosting")

service := get(p, "service")

homepage := get(service, "homepage")

people := get(p, "people")

# each item passes `f` (empty list: unknown, as icpcheck's default if_empty)
each_status(items, statuses) := "unknown" if missing(items)

else := "unknown" if count(items) == 0

else := all3(statuses)

checked["licence.entity_type"] := eq(get(company, "entity_type"), "company")

# `exists`: absent → unknown, but an explicit null (or "") means "no filing" → fail
checked["licence.filing_first"] := "unknown" if get(filings, "icp_filing_number") == absent
else := "fail" if get(filings, "icp_filing_number") in {null, ""}
else := "pass"

capital := get(company, trim_prefix(params["capital.field"], "company."))

checked["licence.capital"] := leaf(capital, capital >= params["capital.min_cny"])

wanted_months := array.slice(input.months, count(input.months) - params["social_insurance.months"], count(input.months))

insured_in(m) := v if {
	some e in p.social_insurance
	e.month == m
	v := e.insured
} else := absent

month_statuses := [s |
	some m in wanted_months
	v := insured_in(m)
	s := leaf(v, v >= params["social_insurance.min_staff"])
]

checked["licence.social_insurance"] := "unknown" if missing(get(p, "social_insurance"))
else := all3(month_statuses)

# where no source states the province's months, 3 consecutive months or a warning (a missing month warns)
local_months := array.slice(input.months, count(input.months) - params["social_insurance.months_some_provinces"], count(input.months))

local_month_status(m) := "fail" if missing(insured_in(m))
else := leaf(insured_in(m), insured_in(m) >= params["social_insurance.min_staff"])

checked["licence.social_insurance_local"] := "skip" if params["social_insurance.months_stated"]
else := "unknown" if missing(get(p, "social_insurance"))
else := all3([local_month_status(m) | some m in local_months])

shareholders := get(company, "shareholders")

registered_mainland(h) := "pass" if get(h, "registered_in") == absent
else := eq(get(h, "registered_in"), "mainland")

holder_status(h) := all3([
	any3([leaf(h.kind, h.kind != "natural_person"), leaf(get(h, "nationality"), get(h, "nationality") in {"CN", "CHN", "中国"})]),
	any3([leaf(h.kind, h.kind != "legal_person"), registered_mainland(h)]),
	any3([leaf(h.kind, h.kind != "legal_person"), eq(get(h, "foreign_investment"), false)]),
])

checked["licence.domestic_ownership"] := each_status(shareholders, [holder_status(h) | some h in shareholders])

scope := get(company, "business_scope")

# mentions_any: phrases inside negated clauses (不含…, 除…外, …除外) do not count. regopy's regex classes are
# byte-wise, so the clause end is an alternation (an approximation of the engine's character classes).
half_width := {"(": "（", ")": "）", ";": "；", ",": "，"}

clause_end := `(；|。|，|、|）|】|$)`

affirmed(t) := regex.replace(
	regex.replace(
		regex.replace(strings.replace_n(half_width, t), concat("", [`(?:不包含|不含|不包括|不涉及|不得|不从事|未经许可).*?`, clause_end]), "$1"),
		`除.*?以?外`, "",
	),
	`(^|；|。|，|、|（|【)[^；]*?除外`, "$1",
)

checked["licence.business_scope"] := leaf(scope, count([k | some k in params["business_scope.keywords"]; contains(affirmed(scope), affirmed(k))]) > 0)

hosting_location := get(hosting, "location")

# overseas servers are in no province: the rule fails on the location, not unknown on the province
location_ok := "pass" if hosting_location == absent
else := eq(hosting_location, "mainland")

province_ok := "unknown" if missing(get(company, "province"))
else := eq(get(hosting, "province"), get(company, "province"))

checked["licence.server_in_province"] := "skip" if not params["server.in_province_required"]
else := all3([location_ok, province_ok])

checked["licence.server_mainland"] := eq(hosting_location, "mainland")

provider_licences := get(hosting, "provider_licences")

checked["licence.hosting_provider_idc"] := all3([
	leaf(provider_licences, count([l | some l in params["hosting.provider_licences"]; l in provider_licences]) > 0),
	eq(get(hosting, "contract_signed"), true),
])

checked["licence.host_filed_locally"] := eq(get(hosting, "provider_filed_locally"), true)

domains := get(p, "domains")

checked["licence.domain_validity_6m"] := each_status(domains, [s |
	some d in domains
	e := get(d, "expires")
	s := leaf(e, e >= input.validity_limit)
])

content := get(service, "content")

pre_approvals := get(service, "pre_approvals")

content_status(c) := "pass" if not c in params["pre_approval.categories"]
else := "unknown" if missing(pre_approvals)
else := "pass" if c in pre_approvals
else := "pass" if {
	c == "news"
	"internet_news" in pre_approvals
} else := "fail"

pre_approval := "unknown" if missing(content)
else := "pass" if count(content) == 0
else := all3([content_status(c) | some c in content])

checked["licence.pre_approval"] := pre_approval

subtypes := get(service, "b25_subtypes")

# seed 001: an internal, single-vertical or local search is not the B25 search service
news_subtype(s) if {
	s in params["news.b25_subtypes"]
	s != "search"
}

news_subtype(s) if {
	s == "search"
	not get(service, "search_scope") in params["news.search_exempt_scopes"]
}

checked["licence.news_licence"] := "unknown" if missing(subtypes)
else := "skip" if count([s | some s in subtypes; news_subtype(s)]) == 0
else := all3([
	leaf(pre_approvals, "internet_news" in pre_approvals),
	leaf(news_valid_until, news_valid_until >= input.as_of),
])

news_valid_until := get(get(service, "pre_approvals_valid_until"), "internet_news")

checked["licence.no_financial"] := "skip" if not params["licence.financial_sites_refused"]
else := leaf(content, count([c | some c in content; c in params["licence.financial_content"]]) == 0)

flags := ["shows_filing_number", "shows_company_name", "shows_address", "shows_phone", "business_columns_match", "paid_registration_works"]

checked["licence.homepage_disclosure"] := "skip" if not params["licence.homepage_disclosure_required"]
else := all3([eq(get(homepage, f), true) | some f in flags])

staff := get(people, "key_staff")

legal := get(people, "legal_representative")

roles := [r | some s in staff; r := s.role] if not missing(staff)

# identity: ID number where both entries give one, else name (the engine also merges entries transitively)
ident(s, k) := upper(trim_space(sprintf("%v", [v]))) if {
	v := get(s, k)
	not missing(v)
	v != ""
} else := absent

same(a, b) := ident(a, "id_number") == ident(b, "id_number") if {
	ident(a, "id_number") != absent
	ident(b, "id_number") != absent
} else := ident(a, "name") == ident(b, "name") if {
	ident(a, "name") != absent
	ident(b, "name") != absent
} else := "none"

anonymous(s) if {
	ident(s, "id_number") == absent
	ident(s, "name") == absent
}

not_owner(s) := "pass" if not params["key_personnel.exclude_owners"]
else := "unknown" if anonymous(s)
else := "fail" if {
	not missing(legal)
	same(s, legal) == true
} else := "fail" if {
	not missing(shareholders)
	some o in shareholders
	same(s, o) == true
} else := "unknown" if missing(legal)
else := "unknown" if missing(shareholders)
else := "unknown" if same(s, legal) == "none"
else := "unknown" if {
	some o in shareholders
	same(s, o) == "none"
} else := "pass"

exists3(s, k) := "unknown" if get(s, k) == absent
else := "fail" if get(s, k) in {null, ""}
else := "pass"

detail(s, k) := "pass" if not k in params["key_personnel.details"]
else := exists3(s, k)

counted(s) := all3([
	not_owner(s),
	any3([eq(get(s, "social_insured"), true), leaf(s.role, s.role in params["key_personnel.exempt_roles"])]),
	exists3(s, "id_number"),
	detail(s, "mobile"),
	detail(s, "email"),
])

person_key(s) := concat(":", ["id", ident(s, "id_number")]) if ident(s, "id_number") != absent
else := concat(":", ["name", ident(s, "name")])

people_counted := {person_key(s) | some s in staff; counted(s) == "pass"}

people_maybe := {person_key(s) | some s in staff; counted(s) == "unknown"} - people_counted

count_status := "unknown" if missing(staff)
else := "pass" if count(people_counted) >= params["key_personnel.min_staff"]
else := "unknown" if count(people_counted) + count(people_maybe) >= params["key_personnel.min_staff"]
else := "fail"

dedicated(s) if s.role in params["key_personnel.dedicated_roles"]

unique_status := "unknown" if missing(staff)
else := "fail" if {
	some i, a in staff
	dedicated(a)
	some j, b in staff
	i != j
	dedicated(b)
	same(a, b) == true
} else := "unknown" if {
	some a in staff
	dedicated(a)
	anonymous(a)
} else := "pass"

staff_status(s) := all3([
	not_owner(s),
	any3([
		leaf(s.role, params["key_personnel.all_insured"] == false),
		leaf(s.role, s.role in params["key_personnel.exempt_roles"]),
		eq(get(s, "social_insured"), true),
	]),
])

checked["licence.key_personnel"] := all3([
	each_status(staff, [staff_status(s) | some s in staff]),
	unique_status,
	leaf(staff, count([r | some r in params["key_personnel.required_roles"]; not r in roles]) == 0),
	count_status,
])

checked["licence.clean_record"] := eq(get(company, "violations_last_3_years"), false)

licence_number := get(filings, "icp_licence_number")

checked["licence.licence_number_format"] := "skip" if missing(licence_number)
else := "skip" if licence_number == ""
else := leaf(licence_number, regex.match(`^(?:[\x{4e00}-\x{9fff}]ICP证\d{6}号|[\x{4e00}-\x{9fff}]B2-\d{8}|B[12]-\d{8})$`, licence_number))

checked["licence.holder_name_matches"] := "skip" if missing(licence_number)
else := "skip" if licence_number == ""
else := eq(get(filings, "icp_licence_holder"), company.name)

activities := get(service, "activities")

checked["licence.no_false_publicity"] := "skip" if get(company, "province") != "beijing"
else := leaf(activities, count([a | some a in activities; a in ["franchise_recruitment", "investment_returns"]]) == 0)

# licence.entity_type settles the type (rules/licence.yaml `settles: true`): failing, it is the only status
status := {"licence.entity_type": "fail"} if checked["licence.entity_type"] == "fail"

else := checked

warnings := {"licence.server_in_province", "licence.social_insurance_local"}

verdict := "not_eligible" if {
	some rule, s in status
	s == "fail"
	not rule in warnings
} else := "incomplete" if {
	some _, s in status
	s == "unknown"
} else := "eligible"
