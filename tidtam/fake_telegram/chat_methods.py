"""Bot API methods that read the world: getFile, getChatMember, sendChatAction.

The bot downloads what people upload (``getFile``, then the file URL) and asks who is
in a group; a chat action ("typing") is recorded for tests to see.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tidtam.fake_telegram.api import Api
from tidtam.fake_telegram.errors import BadRequest
from tidtam.fake_telegram.objects import JSON, User
from tidtam.fake_telegram.params import Params

__all__ = ["MAX_DOWNLOAD", "METHODS"]

MAX_DOWNLOAD = 20 * 1024 * 1024
CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip


async def send_chat_action(api: Api, params: Params) -> bool:
    """Record a chat action such as typing (``sendChatAction``)."""
    chat = api.chat(params)
    action = params.text("action") or ""
    if action not in CHAT_ACTIONS:
        raise BadRequest("wrong parameter action in request")
    chat.actions.append(action)
    return True


async def get_file(api: Api, params: Params) -> JSON:
    """Describe a stored file and its download path (``getFile``)."""
    stored = api.world.files.get(params.text("file_id") or "")
    if stored is None:
        raise BadRequest("invalid file_id")
    if stored.file_size > MAX_DOWNLOAD:
        raise BadRequest("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
        "file_path": stored.file_path,
    }


async def get_chat_member(api: Api, params: Params) -> JSON:
    """Say whether a user is in a chat, and as what (``getChatMember``)."""
    chat = api.world.find_chat(params.chat_id())
    if chat is None:
        raise BadRequest("chat not found")
    user_id = params.integer("user_id")
    user = api.world.bot if user_id == api.world.bot.id else api.world.users.get(user_id or 0)
    if user is None:
        raise BadRequest("user not found")
    if chat.type == "private":
        status = "member" if user.id in (chat.id, api.world.bot.id) else "left"
    else:
        status = chat.members.get(user.id, "left")
    return _chat_member_json(user, status)


_ADMIN_RIGHTS = (
    "can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
    "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories",
    "can_delete_stories",
)  # fmt: skip


def _chat_member_json(user: User, status: str) -> JSON:
    data: JSON = {"status": status, "user": user.to_json()}
    if status == "creator":
        data["is_anonymous"] = False
    elif status == "administrator":
        data.update(
            {right: right not in ("can_be_edited", "is_anonymous") for right in _ADMIN_RIGHTS}
        )
    elif status == "kicked":
        data["until_date"] = 0
    return data


METHODS: dict[str, Callable[[Api, Params], Awaitable[Any]]] = {
    "sendchataction": send_chat_action,
    "getfile": get_file,
    "getchatmember": get_chat_member,
}
