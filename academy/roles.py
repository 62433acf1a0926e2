"""Names of the staff groups. Group names are data (shown in the admin), so they are in Chinese."""

EDITORS = "内容编辑"
REGISTRARS = "教务员"
STREET_ADMINISTRATORS = "街道管理员"

STAFF_GROUPS = (EDITORS, REGISTRARS, STREET_ADMINISTRATORS)
