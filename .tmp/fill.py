import polib, sys
T = {
"courses": {
"Course code": "课程编号", "Course": "课程", "Trainee": "学员", "Lecturer": "讲师", "Usefulness": "实用性",
"Comment": "意见建议", "Given at": "评价时间", "Course feedback": "课程评价",
"How good was the content?": "课程内容怎么样？", "How good was the lecturer?": "讲师讲得怎么样？",
"How useful is it for your work?": "对您的工作有多大帮助？",
"What was good, and what should change? Staff read every comment.": "哪些好，哪些需要改进？每条意见学院都会认真阅读。",
"minimum time on the lesson (seconds)": "最短学习时长（秒）",
"How long a trainee must have the lesson open and visible before marking it done. Leave blank for half the estimated minutes; enter 0 for no minimum.": "学员须在屏幕上打开本课时多久，才能标记为已学完。留空则为预计时长的一半；填 0 表示不设下限。",
"share of the video to watch (%)": "视频须观看比例（%）",
"For a lesson with a video: how much of it must be played before the lesson can be marked done.": "含视频的课时：须实际播放多少比例后才能标记为已学完。",
"forbid skipping ahead in the video": "禁止视频快进",
"Trainees may go back but not jump past the furthest point they have watched.": "学员可以回看，但不能跳过尚未看到的部分。",
"Time on task": "学习时长", "seconds on task": "有效学习秒数", "last heartbeat at": "最近一次计时", "accepted heartbeats": "有效计时次数",
"time on lesson": "课时学习时长", "time on lessons": "课时学习时长", "video length (seconds)": "视频时长（秒）",
"played intervals": "已播放区间", "Merged [start, end] pairs in seconds.": "合并后的 [开始, 结束] 秒数区间。",
"seconds watched": "已观看秒数", "furthest point reached (seconds)": "最远观看位置（秒）", "resume position (seconds)": "续播位置（秒）",
"last report at": "最近上报时间", "video progress": "视频观看进度", "content": "课程内容", "usefulness": "实用性",
"comment": "意见建议", "given at": "评价时间", "changed at": "修改时间", "course feedback": "课程评价",
"%(minutes)d min %(seconds)d s": "%(minutes)d 分 %(seconds)d 秒", "%(minutes)d min": "%(minutes)d 分钟", "%(seconds)d s": "%(seconds)d 秒",
"The progress report is not in the expected form.": "学习进度数据格式不正确。",
"A played interval cannot be negative.": "播放区间不能为负数。",
"A played interval cannot end before it starts.": "播放区间的结束不能早于开始。",
"A played interval lies outside the video.": "播放区间超出了视频范围。",
"The playing position lies outside the video.": "播放位置超出了视频范围。",
"More of the video was reported played than time has passed.": "上报的观看时长超过了实际经过的时间。",
"Skipping ahead in this video is not allowed.": "本视频不允许快进。",
"Complete the course before giving feedback.": "学完本课程后才能评价。",
"Your feedback can only be changed within 7 days of giving it.": "评价提交 7 天内可以修改，现已超过期限。",
"Each rating must be a whole number from 1 to 5.": "每项评分须为 1 到 5 的整数。",
"Stay with this lesson a little longer: %(time)s to go before you can mark it done.": "请再多学一会儿：还需 %(time)s 才能标记为已学完。",
"Watch at least %(required)d%% of the video first; so far %(watched)d%%.": "请先观看至少 %(required)d%% 的视频，目前已看 %(watched)d%%。",
"This page has expired. Reload it to carry on.": "页面已过期，请刷新后继续学习。",
"This progress report does not belong to you.": "这条学习进度不属于您的账号。",
"Progress was reported too quickly and was not counted.": "进度上报过于频繁，本次不计入。",
"This lesson has no video.": "本课时没有视频。",
"You have already given feedback on this course.": "您已经评价过本课程。",
"Export to Excel": "导出 Excel", "All courses": "全部课程", "No feedback yet.": "暂无评价。", "By course": "按课程",
"Answers": "评价数", "By lecturer": "按讲师",
"About %(minutes)s minutes of study": "预计学习约 %(minutes)s 分钟",
"each required lesson must stay open on screen for its minimum time, %(time)s in all": "每个必修课时须在屏幕上学满最短时长，合计 %(time)s",
"Thank you for rating this course.": "感谢您评价本课程。", "See or change your feedback": "查看或修改我的评价",
"Rate this course": "评价本课程", "What trainees say": "学员评价",
"1 is poor and 5 is excellent. You can change your answer for %(days)s days.": "1 分为很差，5 分为很好。提交后 %(days)s 天内可以修改。",
"You answered on %(when)s.": "您于 %(when)s 提交了评价。", "Send feedback": "提交评价",
"Time still needed on this lesson": "本课时还需学习", "Only time with this page open on screen counts.": "只有页面显示在屏幕上时才计入学习时长。",
"Watch at least %(required)s%% of the video": "须观看至少 %(required)s%% 的视频", "watched so far": "已观看",
"Skipping ahead is turned off for this video.": "本视频不能快进。", "Thank you for your feedback.": "感谢您的评价！",
},
"credits": {
"%(shortfall)s — the courses recommended above close it": "%(shortfall)s — 学完上面推荐的课程即可补足",
"%(shortfall)s — no course in the catalogue can close it yet": "%(shortfall)s — 目前课程中心还没有能补足的课程",
"%(shortfall)s — %(courses)s": "%(shortfall)s — %(courses)s",
"%(percent)s%% of the credits needed": "已完成所需学分的 %(percent)s%%",
"Courses that would close the gaps": "推荐课程：学完即可补足差距",
"hours": "学时", "required": "必修", "enrolled": "已报名", "(not enough on its own yet)": "（仍不足，需等待更多课程）",
"the courses recommended above close it": "学完上面推荐的课程即可补足",
"no course in the catalogue can close it yet": "目前课程中心还没有能补足的课程",
"Hours are earned in class: these courses are taught offline or blended. Enrol to be told about their sessions.": "学时须在线下课堂取得：以上课程为线下或线上线下结合授课，报名后会收到开班通知。",
"Qualified now": "现已具备资格",
},
"academy": {
"elder-friendly mode": "长辈模式", "Larger text, stronger contrast and bigger buttons.": "字更大、对比更强、按钮更大。",
"trainee": "学员", "trainees": "学员",
"Elder-friendly mode: on (tap for standard)": "长辈模式已开启（点此恢复标准版）",
"Elder-friendly mode: larger text": "长辈模式：大字版",
"Courses": "课程", "My learning": "我的学习", "My credits": "我的学分",
},
}
PLURALS = {"courses": {"%(counter)s rating": "%(counter)s 条评价"}}
for app, table in T.items():
    path = f"{app}/locale/zh_Hans/LC_MESSAGES/django.po"
    po = polib.pofile(path)
    for e in po:
        if e.obsolete: continue
        if e.msgid_plural and e.msgid in PLURALS.get(app, {}):
            e.msgstr_plural = {0: PLURALS[app][e.msgid]}
            if "fuzzy" in e.flags: e.flags.remove("fuzzy")
        elif e.msgid in table and (not e.msgstr or "fuzzy" in e.flags):
            e.msgstr = table[e.msgid]
            if "fuzzy" in e.flags: e.flags.remove("fuzzy")
    po.save()
    left = [e.msgid for e in po if not e.obsolete and (("fuzzy" in e.flags) or not (e.msgstr or any(e.msgstr_plural.values())))]
    print(app, "left:", left)
