"""The editors' desk on the admin's start page (templates/admin/index.html)."""

from django import template

from .. import desk

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_blocks(context):
    """The desk's blocks for the user of the page, or None when it is no editor's."""
    user = context["request"].user
    return desk.blocks_for(user) if desk.is_editor(user) else None
