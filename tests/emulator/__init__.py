"""Tests of the local WeCom and DingTalk emulators."""
