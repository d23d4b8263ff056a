"""The API's machine-readable description: OpenAPI 3.1, served at /api/v1/openapi.json."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from flask import Blueprint

import engine
from web.api.routing import public

bp = Blueprint("openapi", __name__)

Schema = dict[str, Any]
NULLABLE_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
TIME: Schema = {"type": "string", "format": "date-time"}
STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
OBJECT: Schema = {"type": "object"}
SOP_STEP: Schema = {"type": ["integer", "null"], "minimum": 1, "maximum": 17}


def ref(name: str) -> Schema:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **properties: Schema) -> Schema:
    """An object schema; more properties than these may come (CONTRACT.md adds, never
    removes)."""
    return {"type": "object", "required": required, "properties": properties}


def listing(name: str) -> Schema:
    """`{"items": [name]}`."""
    return obj(["items"], items={"type": "array", "items": ref(name)})


SCHEMAS: dict[str, Schema] = {
    "Problem": obj(
        ["type", "title", "status", "detail"], type=STRING, title=STRING, status=INTEGER,
        detail=STRING,
        errors={"type": "object", "description": "field name -> messages (422)",
                "additionalProperties": {"type": "array", "items": STRING}},
        problems={"type": "array", "items": ref("DiagramProblem"),
                  "description": "what is wrong with a diagram (422 on process versions)"}),
    "DiagramProblem": obj(["line", "message"], line={"type": "integer", "minimum": 0},
                          message=STRING, file=STRING,
                          element={"type": "string",
                                   "description": "id of the diagram element it is about "
                                                  "(\"\" when none)"}),
    "TokenRequest": obj(["username", "password"], username=STRING, password=STRING),
    "Token": obj(["token", "expires_at"], token=STRING, expires_at=TIME, token_type=STRING),
    "Me": obj(["username", "role", "lpse"], username=STRING,
              role={"enum": [role.value for role in engine.Role]},
              lpse={"type": ["string", "null"]}, full_name=STRING),
    "JsonSchema": {"type": "object", "description": "a form, as a JSON Schema (2020-12)"},
    "StartForm": obj(["form"], form=ref("JsonSchema")),
    "OpenTicket": obj(["reporter", "data"],
                      reporter={"type": "string",
                                "description": "username of a Pengguna SPSE of your LPSE"},
                      data={"type": "object", "description": "valid against the start form"}),
    "AssignTask": obj(["username"], username={
        "type": "string", "description": "someone who may complete the task"}),
    "CompleteTask": obj(["data"], data={"type": "object",
                                        "description": "valid against the task's form"}),
    "Task": obj(
        ["id", "ticket_id", "name", "lane", "sop_step", "form", "due_at", "assignee"],
        id=STRING, ticket_id=INTEGER, name=STRING, lane={"enum": list(engine.LANES)},
        sop_step=SOP_STEP, form=ref("JsonSchema"), due_at=NULLABLE_TIME,
        step={"type": "string", "description": "the diagram's id of the step"},
        ticket_number=STRING, ticket_title=STRING, lpse=STRING,
        documentation={"type": "string", "description": "the step's instructions"},
        created_at=TIME,
        assignee={"type": ["string", "null"],
                  "description": "username of who holds the task; null: nobody"}),
    "Ticket": obj(
        ["id", "number", "status", "lpse", "reporter", "process_version", "created_at",
         "tasks"],
        id=INTEGER, number=STRING, status={"enum": ["open", "closed", "cancelled"]}, lpse=STRING,
        reporter=STRING,
        process_version={"type": "string", "description": "id of the pinned version"},
        created_at=TIME, tasks={"type": "array", "items": ref("Task"),
                                "description": "its pending tasks"},
        title=STRING, closed_at=NULLABLE_TIME),
    "Event": obj(
        ["seq", "at", "actor", "type", "task", "sop_step", "data", "hash", "prev_hash"],
        seq={"type": "integer", "minimum": 1}, at=STRING, actor=STRING, type=STRING,
        task={"type": ["string", "null"]}, sop_step=SOP_STEP, data=OBJECT, hash=STRING,
        prev_hash=STRING, role=STRING),
    "Verification": obj(["ok", "detail"], ok={"type": "boolean"},
                        detail={"type": "array", "items": STRING}, ticket=STRING),
    "Version": obj(
        ["id", "number", "process_id", "deployed_at", "deployed_by", "note", "current"],
        id=STRING, number=INTEGER, process_id=STRING, deployed_at=TIME, deployed_by=STRING,
        note=STRING, current={"type": "boolean"}),
    "Deployed": {"allOf": [ref("Version"), obj(
        ["outcome"], outcome={"enum": ["deployed", "reactivated", "unchanged"]})]},
    "Validation": obj(["ok", "problems"], ok={"type": "boolean"},
                      problems={"type": "array", "items": ref("DiagramProblem")}),
    "Notification": obj(
        ["id", "kind", "ticket_id", "subject", "body", "link", "created_at", "read_at"],
        id=INTEGER,
        kind={"enum": [kind.value for kind in engine.NotificationKind]},
        ticket_id={"type": ["integer", "null"]}, subject=STRING, body=STRING,
        link={"type": "string", "description": "a path on the site: the task or ticket"},
        created_at=TIME, read_at=NULLABLE_TIME),
    "NotificationList": {"allOf": [listing("Notification"), obj(
        ["unread"], unread={"type": "integer", "minimum": 0,
                            "description": "how many of all the caller's are unread"})]},
    "MarkedRead": obj(["marked"], marked={"type": "integer", "minimum": 0}),
    "Change": obj(
        ["kind", "element", "element_kind", "name", "aspect", "before", "after"],
        kind={"enum": ["added", "removed", "renamed", "lane_moved", "condition_changed",
                       "form_changed", "property_changed", "reconnected", "type_changed",
                       "script_changed"]},
        element={"type": "string", "description": "the BPMN id of the element"},
        element_kind={"type": "string", "description": "its BPMN type, e.g. userTask"},
        name=STRING, aspect={"type": "string", "description": "the property or form field"},
        before=STRING, after=STRING),
    "ComparedSide": obj(
        ["kind", "id", "number", "marks"], kind={"enum": ["version", "draft"]}, id=STRING,
        number={"type": ["integer", "null"]},
        marks={"type": "object", "description": "element id -> added, removed or changed",
               "additionalProperties": {"enum": ["added", "removed", "changed"]}}),
    "Comparison": obj(["before", "after", "changes"], before=ref("ComparedSide"),
                      after=ref("ComparedSide"),
                      changes={"type": "array", "items": ref("Change")}),
    "MigrationReason": obj(["code", "element", "name", "detail", "message"],
                           code=STRING, element=STRING, name=STRING, detail=STRING,
                           message={"type": "string", "description": "in Indonesian"}),
    "MigrationCheck": obj(
        ["ticket_id", "ticket_number", "from_version", "from_number", "positions",
         "can_migrate", "reasons"],
        ticket_id=INTEGER, ticket_number=STRING, from_version=STRING, from_number=INTEGER,
        positions={"type": "array", "items": STRING}, can_migrate={"type": "boolean"},
        reasons={"type": "array", "items": ref("MigrationReason")}),
    "MigrationPlan": obj(["version", "items"], version=ref("Version"),
                         items={"type": "array", "items": ref("MigrationCheck")}),
    "MigrationRequest": obj(["tickets"], tickets={
        "type": "array", "minItems": 1, "maxItems": 500,
        "items": {"type": "integer", "minimum": 1, "maximum": 2147483647}}),
    "MigrationResult": obj(["ticket_id", "ticket_number", "migrated", "reasons"],
                           ticket_id=INTEGER, ticket_number=STRING,
                           migrated={"type": "boolean"},
                           reasons={"type": "array", "items": ref("MigrationReason")}),
    "MigrationResultList": listing("MigrationResult"),
    "TicketList": listing("Ticket"),
    "TaskList": listing("Task"),
    "EventList": listing("Event"),
    "VersionList": listing("Version"),
    "PasswordResetRequest": obj(["email"], email=STRING),
    "PasswordResetAccepted": obj(["detail"], detail=STRING),
    "PasswordWithToken": obj(["token", "password"], token=STRING, password=STRING),
    "OwnPassword": obj(["current_password", "new_password"], current_password=STRING,
                       new_password=STRING),
    "PasswordSet": obj(["username"], username=STRING),
    "NewComment": obj(["text"], text={"type": "string", "minLength": 1, "maxLength": 5000},
                      internal={"type": "boolean", "default": False,
                                "description": "an internal note: handlers only, never "
                                               "shown to the Pengguna SPSE"}),
    "Comment": obj(
        ["id", "ticket_id", "seq", "author", "text", "internal", "created_at"],
        id=INTEGER, ticket_id=INTEGER,
        seq={"type": "integer", "description": "its event's place in the ticket's chain"},
        author=STRING, author_name=STRING, role=STRING, text=STRING,
        internal={"type": "boolean"}, created_at=TIME,
        attachments={"type": "array", "items": obj(
            ["sha256", "filename", "content_type", "size"], sha256=STRING, filename=STRING,
            content_type=STRING, size=INTEGER)}),
    "User": obj(["username", "name", "email", "role", "lpse", "active"], username=STRING,
                name=STRING, email={"type": ["string", "null"]},
                role={"enum": [role.value for role in engine.Role]},
                lpse={"type": ["string", "null"], "description": "the LPSE's name"},
                active={"type": "boolean"}),
    "UserList": listing("User"),
    "NewUser": obj(["username", "name", "email", "role"], username=STRING, name=STRING,
                   email=STRING,
                   role={"type": "string", "description": "a peran word (pengguna, "
                         "admin_lpse, helpdesk, pemilik_proses, auditor, administrator) or "
                         "the role's name"},
                   lpse={"type": ["string", "null"],
                         "description": "the LPSE's kode; empty for national roles (an "
                                        "Admin LPSE's own LPSE when they leave it out)"}),
    "Withdrawal": obj(["reason"], reason={"type": "string", "minLength": 1, "maxLength": 2000}),
    "DuplicateOf": obj(["original"], original={
        "type": "string", "minLength": 1, "maxLength": 40,
        "description": "the number of the ticket this one duplicates"}),
}

PROBLEM_STATUSES = (400, 401, 403, 404, 409, 410, 413, 415, 422, 429, 500, 503)


def problem_response(status: int) -> Schema:
    """A problem+json response of this status."""
    return {"description": HTTPStatus(status).phrase,
            "content": {"application/problem+json": {"schema": ref("Problem")}}}


def answer(schema: Schema, description: str = "OK") -> Schema:
    """A JSON response with this schema."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def operation(operation_id: str, summary: str, tag: str, responses: dict[int, Schema], *,
              body: Schema | None = None, parameters: tuple[str, ...] = (),
              anyone: bool = False) -> Schema:
    """One operation; every error is a problem, those it names plus 401 and a default."""
    described: dict[str, Schema] = {str(status): schema for status, schema in responses.items()}
    if not anyone:
        described["401"] = {"$ref": "#/components/responses/401"}
    described["default"] = {"$ref": "#/components/responses/default"}
    found: Schema = {"summary": summary, "tags": [tag], "responses": described}
    found["operationId"] = "".join(word.capitalize() if i else word for i, word in
                                   enumerate(re.findall(r"[a-z]+", summary.lower())))
    if body is not None:
        found["requestBody"] = body
    if parameters:
        found["parameters"] = [{"$ref": f"#/components/parameters/{name}"}
                               for name in parameters]
    if anyone:
        found["security"] = []
    return found


def problems(*statuses: int) -> dict[int, Schema]:
    """References to the shared problem responses of these statuses."""
    return {status: {"$ref": f"#/components/responses/{status}"} for status in statuses}


def json_body(name: str) -> Schema:
    """A required JSON request body with this component schema."""
    return {"required": True, "content": {"application/json": {"schema": ref(name)}}}


DIAGRAM_BODY: Schema = {
    "required": True,
    "content": {
        "application/xml": {"schema": {"type": "string", "description": "BPMN 2.0 XML"}},
        "multipart/form-data": {
            "schema": obj(["bpmn"],
                          bpmn={"type": "string", "contentMediaType": "application/xml"},
                          forms={"type": "array", "items": {
                              "type": "string", "contentMediaType": "application/json"},
                              "description": "form files, each known by its file name; "
                                             "one named NAME.scenarios.json is the owners' "
                                             "scenarios"},
                          note=STRING,
                          scenarios={"type": "string", "contentMediaType": "application/json",
                                     "description": "the owners' scenarios (NAME.scenarios"
                                                    ".json); without them, those of the "
                                                    "current version run"}),
        },
    },
}

PARAMETERS: dict[str, Schema] = {
    "version_id": {"name": "version_id", "in": "path", "required": True,
                   "schema": {"type": "string"}},
    "base": {"name": "base", "in": "query",
             "description": "compare with this version instead of the deployed one",
             "schema": {"type": "string"}},
    "ticket_id": {"name": "ticket_id", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}},
    "task_id": {"name": "task_id", "in": "path", "required": True,
                "schema": {"type": "string", "format": "uuid"}},
    "assignee": {"name": "assignee", "in": "query",
                 "description": "me: held by me; none: held by nobody; else a username",
                 "schema": {"type": "string"}},
    "limit": {"name": "limit", "in": "query",
              "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}},
    "offset": {"name": "offset", "in": "query",
               "schema": {"type": "integer", "minimum": 0, "default": 0}},
    "notification_id": {"name": "notification_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 2147483647}},
    "unread": {"name": "unread", "in": "query", "description": "true: only unread ones",
               "schema": {"type": "boolean", "default": False}},
    "note": {"name": "note", "in": "query", "description": "why this version (raw XML body)",
             "schema": {"type": "string"}},
    "from": {"name": "from", "in": "query", "description": "tickets opened on or after this "
             "day (WIB)", "schema": {"type": "string", "format": "date"}},
    "to": {"name": "to", "in": "query", "description": "tickets opened on or before this day "
           "(WIB)", "schema": {"type": "string", "format": "date"}},
    "names": {"name": "names", "in": "query", "description": "true: usernames as "
              "org:resource; else pseudonyms (pengguna-<12 hex>)",
              "schema": {"type": "string", "enum": ["true", "false"]}},
    "q": {"name": "q", "in": "query", "description": "words, \"phrases\", ticket numbers, "
          "error codes: the matching tickets, best match first", "schema": {"type": "string"}},
    "lpse": {"name": "lpse", "in": "query", "description": "the LPSE's kode",
             "schema": {"type": "string"}},
    "step": {"name": "step", "in": "query", "description": "a pending task at this SOP step",
             "schema": {"type": "integer", "minimum": 1, "maximum": 99}},
    "role": {"name": "role", "in": "query",
             "description": "a peran word or role name: only accounts of that role",
             "schema": {"type": "string"}},
    "username": {"name": "username", "in": "path", "required": True,
                 "schema": {"type": "string"}},
    "sort": {"name": "sort", "in": "query", "description": "due: earliest due time first",
             "schema": {"type": "string", "enum": ["due"]}},
}


def paths() -> dict[str, Schema]:
    """Every endpoint of the API, by path and method."""
    return {
        "/auth/token": {"post": operation(
            "issueToken", "Issue a token", "auth",
            {200: answer(ref("Token")), **problems(401, 415, 422, 429)},
            body=json_body("TokenRequest"), anyone=True)},
        "/me": {"get": operation("getMe", "Who am I", "auth", {200: answer(ref("Me"))})},
        "/auth/password-reset": {"post": operation(
            "requestPasswordReset", "Ask for a password reset mail", "auth",
            {202: answer(ref("PasswordResetAccepted"),
                         "Accepted, whether or not the address is known"),
             **problems(400, 415, 422, 429)},
            body=json_body("PasswordResetRequest"), anyone=True)},
        "/auth/password": {"post": operation(
            "setPasswordWithToken", "Set a password with a mailed token", "auth",
            {200: answer(ref("PasswordSet")), **problems(400, 410, 415, 422, 429)},
            body=json_body("PasswordWithToken"), anyone=True)},
        "/me/password": {"post": operation(
            "changeOwnPassword", "Change my password", "auth",
            {200: answer(ref("PasswordSet")), **problems(400, 415, 422, 429)},
            body=json_body("OwnPassword"))},
        "/tickets/start-form": {"get": operation(
            "getStartForm", "Get the start form", "tickets",
            {200: answer(ref("StartForm")), **problems(403)})},
        "/tickets": {
            "get": operation("listTickets", "List the tickets I may see", "tickets",
                             {200: answer(ref("TicketList")), **problems(422)},
                             parameters=("limit", "offset", "q", "lpse", "step", "assignee",
                                         "sort")),
            "post": operation(
                "openTicket", "Open a ticket", "tickets",
                {201: answer(ref("Ticket"), "Created; Location names the ticket"),
                 **problems(400, 403, 415, 422)}, body=json_body("OpenTicket")),
        },
        "/tickets/{ticket_id}": {"get": operation(
            "getTicket", "Get a ticket", "tickets", {200: answer(ref("Ticket")), **problems(404)},
            parameters=("ticket_id",))},
        "/tickets/{ticket_id}/events": {"get": operation(
            "listTicketEvents", "List the events of a ticket", "tickets",
            {200: answer(ref("EventList")), **problems(404)}, parameters=("ticket_id",))},
        "/tickets/{ticket_id}/verify": {"get": operation(
            "verifyTicket", "Verify a ticket (auditor)", "tickets",
            {200: answer(ref("Verification")), **problems(403, 404)},
            parameters=("ticket_id",))},
        "/tasks": {"get": operation(
            "listTasks", "List the tasks I may complete", "tasks",
            {200: answer(ref("TaskList")), **problems(422)}, parameters=("limit", "offset",
                                                                          "assignee"))},
        "/tasks/{task_id}": {"get": operation(
            "getTask", "Get a task", "tasks", {200: answer(ref("Task")), **problems(404)},
            parameters=("task_id",))},
        "/tasks/{task_id}/complete": {"post": operation(
            "completeTask", "Complete a task", "tasks",
            {200: answer(ref("Ticket"), "The ticket as it now stands"),
             **problems(400, 404, 409, 415, 422)}, body=json_body("CompleteTask"),
            parameters=("task_id",))},
        "/tasks/{task_id}/claim": {"post": operation(
            "claimTask", "Claim a task", "tasks",
            {200: answer(ref("Task"), "The task, held by the caller"),
             **problems(404, 409)}, parameters=("task_id",))},
        "/tasks/{task_id}/release": {"post": operation(
            "releaseTask", "Release a task I hold", "tasks",
            {200: answer(ref("Task"), "The task, held by nobody"),
             **problems(403, 404, 409)}, parameters=("task_id",))},
        "/tasks/{task_id}/assign": {"post": operation(
            "assignTask", "Assign a task to someone who may complete it", "tasks",
            {200: answer(ref("Task"), "The task, held by that person"),
             **problems(400, 404, 409, 415, 422)}, body=json_body("AssignTask"),
            parameters=("task_id",))},
        "/process-versions": {
            "get": operation("listProcessVersions", "List process versions",
                             "process versions",
                             {200: answer(ref("VersionList")), **problems(403)}),
            "post": operation("deployProcessVersion", "Deploy a process version",
                              "process versions",
                              {201: answer(ref("Deployed"), "Deployed"),
                               **problems(403, 415, 422)},
                              body=DIAGRAM_BODY, parameters=("note",)),
        },
        "/process-versions/{version_id}/comparison": {"get": operation(
            "compareVersion", "Compare a version", "versions",
            {200: answer(ref("Comparison")), **problems(404)},
            parameters=("version_id", "base"))},
        "/process-versions/{version_id}/migration": {
            "get": operation("planMigration", "Dry run a migration", "versions",
                             {200: answer(ref("MigrationPlan")), **problems(404)},
                             parameters=("version_id",)),
            "post": operation("migrateTickets", "Migrate tickets", "versions",
                              {200: answer(ref("MigrationResultList")),
                               **problems(400, 404, 415, 422)},
                              body=json_body("MigrationRequest"), parameters=("version_id",)),
        },
        "/process-versions/validate": {"post": operation(
            "validateDiagram", "Validate a diagram, deploying nothing", "process versions",
            {200: answer(ref("Validation")), **problems(403, 415, 422)}, body=DIAGRAM_BODY)},
        "/notifications": {"get": operation(
            "listNotifications", "List my notifications", "notifications",
            {200: answer(ref("NotificationList")), **problems(422)},
            parameters=("limit", "offset", "unread"))},
        "/notifications/{notification_id}/read": {"post": operation(
            "markNotificationRead", "Mark a notification read", "notifications",
            {200: answer(ref("Notification")), **problems(404)},
            parameters=("notification_id",))},
        "/notifications/read": {"post": operation(
            "markAllNotificationsRead", "Mark all my notifications read", "notifications",
            {200: answer(ref("MarkedRead"))})},
        "/tickets/{ticket_id}/comments": {
            "get": operation(
                "listComments", "List a ticket's comments I may read", "tickets",
                {200: answer(listing("Comment")), **problems(404)}, parameters=("ticket_id",)),
            "post": operation(
                "addComment", "Comment on a ticket (a public reply or an internal note)",
                "tickets", {201: answer(ref("Comment"), "The comment"),
                            **problems(400, 403, 404, 409, 415, 422)},
                body=json_body("NewComment"), parameters=("ticket_id",))},
        "/users": {
            "get": operation("listUsers", "List the accounts I manage", "users",
                             {200: answer(ref("UserList")), **problems(403, 422)},
                             parameters=("limit", "offset", "q", "role", "lpse")),
            "post": operation("addUser", "Add an account and send its invitation", "users",
                              {201: answer(ref("User"), "Added; the invitation is mailed"),
                               **problems(400, 403, 409, 415, 422)},
                              body=json_body("NewUser")),
        },
        "/users/{username}/deactivate": {"post": operation(
            "deactivateUser", "Deactivate an account", "users",
            {200: answer(ref("User"), "Deactivated; its sessions and tokens have ended"),
             **problems(403, 404)}, parameters=("username",))},
        "/exports/xes": {"get": operation(
            "exportXes", "The closed tickets' event log as IEEE XES (1849-2016)", "exports",
            {200: {"description": "XES", "content": {"application/xml": {
                "schema": {"type": "string"}}}}, **problems(403, 422)},
            parameters=("from", "to", "names"))},
        "/exports/ocel": {"get": operation(
            "exportOcel", "The closed tickets' event log as OCEL 2.0 JSON", "exports",
            {200: answer(OBJECT, "OCEL 2.0"), **problems(403, 422)},
            parameters=("from", "to", "names"))},
        "/tickets/{ticket_id}/withdraw": {"post": operation(
            "withdrawTicket", "Withdraw a ticket before LKPP handles it (its Admin LPSE)",
            "tickets", {200: answer(ref("Ticket"), "Cancelled"),
                        **problems(400, 403, 404, 409, 415, 422)},
            body=json_body("Withdrawal"), parameters=("ticket_id",))},
        "/tickets/{ticket_id}/duplicate": {"post": operation(
            "closeTicketAsDuplicate", "Close a ticket as a duplicate of another (Helpdesk LKPP)",
            "tickets", {200: answer(ref("Ticket"), "Cancelled"),
                        **problems(400, 403, 404, 409, 415, 422)},
            body=json_body("DuplicateOf"), parameters=("ticket_id",))},
        "/openapi.json": {"get": operation(
            "getOpenApi", "Get this description", "meta", {200: answer(OBJECT, "OpenAPI 3.1")},
            anyone=True)},
    }


def document() -> Schema:
    """The whole OpenAPI 3.1 document."""
    responses = {str(status): problem_response(status) for status in PROBLEM_STATUSES}
    responses["default"] = {"description": "An error",
                            "content": {"application/problem+json": {"schema": ref("Problem")}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Eskalasi LPSE Support API", "version": "1.0.0",
                 "description": "Escalations from LPSE to Helpdesk LKPP (CONTRACT.md). "
                                "Every error is application/problem+json."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths(),
        "components": {
            "schemas": SCHEMAS,
            "responses": responses,
            "parameters": PARAMETERS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "from POST /auth/token"}},
        },
    }


@bp.get("/openapi.json")
@public
def serve() -> Schema:
    """This document."""
    return document()
