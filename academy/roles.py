"""Names of the staff groups. Group names are data (shown in the admin), so they are in Chinese."""

EDITORS = "内容编辑"
REGISTRARS = "教务员"
STREET_ADMINISTRATORS = "街道管理员"
# Lecturers (讲师) review the written assignments of the courses they teach (assignments app); the group gives them
# the admin, and the link from a Lecturer to their account (Lecturer.user) says which courses are theirs.
LECTURERS = "讲师"

STAFF_GROUPS = (EDITORS, REGISTRARS, STREET_ADMINISTRATORS, LECTURERS)
