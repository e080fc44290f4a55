; Assembly listing for method EdgeConv.Kernels.Optimized.DepthwiseConvInt8Vector128:Row3x3(System.Span`1[sbyte],System.Span`1[int],System.Span`1[sbyte]):this (FullOpts)
; Emitting BLENDED_CODE for generic ARM64 on Unix
; FullOpts code
; optimized code
; fp based frame
; fully interruptible
; No PGO data
; 0 inlinees with PGO data; 34 single block inlinees; 16 inlinees without PGO data

G_M000_IG01:
            stp     fp, lr, [sp, #-0xB0]!
            stp     x19, x20, [sp, #0x60]
            stp     x21, x22, [sp, #0x70]
            stp     x23, x24, [sp, #0x80]
            stp     x25, x26, [sp, #0x90]
            stp     x27, x28, [sp, #0xA0]
            mov     fp, sp
            mov     x19, x0
            mov     x20, x3
            mov     w21, w4
 
G_M000_IG02:
            mov     x22, x1
            str     x22, [fp, #0x38]
            ldp     w23, w24, [x20]
            ldp     w25, w26, [x20, #0x08]
            ldp     w27, w28, [x20, #0x10]
            ldp     w6, w7, [x20, #0x18]
            stp     w7, w6, [fp, #0x58]
            ldr     w8, [x20, #0x20]
            str     w8, [fp, #0x54]
            ldr     x2, [x19, #0x08]
            ldrsb   wzr, [x2]
            ldr     x2, [x19, #0x10]
            ldrsb   wzr, [x2]
            add     x9, x2, #16
            str     x9, [fp, #0x30]
            ldr     x2, [x19, #0x18]
            ldrsb   wzr, [x2]
            add     x10, x2, #16
            stp     x5, x10, [fp, #0x20]
            ldr     w11, [x19, #0x30]
            str     w11, [fp, #0x50]
            ldr     w2, [x19, #0x5C]
            mul     w13, w2, w11
            str     w13, [fp, #0x4C]
            ldr     w14, [x19, #0x88]
            str     w14, [fp, #0x48]
            mov     w12, wzr
            cmp     w12, w14
            blt     G_M000_IG04
            b       G_M000_IG12
 
G_M000_IG03:
            ldr     x22, [fp, #0x38]
 
G_M000_IG04:
            mul     w2, w12, w13
            sxtw    x2, w2
            add     x15, x2, x22
            str     x15, [fp, #0x18]
            str     w12, [fp, #0x44]
            mul     w2, w12, w11
            sxtw    x2, w2
            add     xip0, x2, x5
            str     xip0, [fp, #0x10]
            mov     w4, wzr
            sub     w2, w11, #16
            cmp     w4, w2
            bgt     G_M000_IG06
            align   [0 bytes for IG05]
            align   [0 bytes]
            align   [0 bytes]
            align   [0 bytes]
 
G_M000_IG05:
            mov     w3, #9
            mul     w3, w4, w3
            sxtw    x3, w3
            add     x3, x9, x3
            sxtw    x0, w4
            lsl     x1, x0, #2
            ldr     q16, [x10, x1]
            add     x22, x1, #16
            ldr     q17, [x10, x22]
            add     x22, x1, #32
            ldr     q18, [x10, x22]
            add     x22, x1, #48
            ldr     q19, [x10, x22]
            add     x22, x15, x0
            sxtw    x5, w23
            ldr     q20, [x22, x5]
            sxtw    x5, w24
            ldr     q21, [x22, x5]
            ldp     q22, q23, [x3]
            mov     v24.16b, v20.16b
            mov     v25.16b, v22.16b
            smull   v24.8h, v24.8b, v25.8b
            mov     v25.16b, v21.16b
            mov     v26.16b, v23.16b
            smlal   v24.8h, v25.8b, v26.8b
            smull2  v20.8h, v20.16b, v22.16b
            smlal2  v20.8h, v21.16b, v23.16b
            mov     v21.16b, v24.16b
            saddw   v16.4s, v16.4s, v21.4h
            saddw2  v17.4s, v17.4s, v24.8h
            mov     v21.16b, v20.16b
            saddw   v18.4s, v18.4s, v21.4h
            saddw2  v19.4s, v19.4s, v20.8h
            sxtw    x5, w25
            ldr     q20, [x22, x5]
            sxtw    x5, w26
            ldr     q21, [x22, x5]
            ldp     q22, q23, [x3, #0x20]
            mov     v24.16b, v20.16b
            mov     v25.16b, v22.16b
            smull   v24.8h, v24.8b, v25.8b
            mov     v25.16b, v21.16b
            mov     v26.16b, v23.16b
            smlal   v24.8h, v25.8b, v26.8b
            smull2  v20.8h, v20.16b, v22.16b
            smlal2  v20.8h, v21.16b, v23.16b
            mov     v21.16b, v24.16b
            saddw   v16.4s, v16.4s, v21.4h
            saddw2  v17.4s, v17.4s, v24.8h
            mov     v21.16b, v20.16b
            saddw   v18.4s, v18.4s, v21.4h
            saddw2  v19.4s, v19.4s, v20.8h
            sxtw    x5, w27
            ldr     q20, [x22, x5]
            sxtw    x5, w28
            ldr     q21, [x22, x5]
            ldp     q22, q23, [x3, #0x40]
            mov     v24.16b, v20.16b
            mov     v25.16b, v22.16b
            smull   v24.8h, v24.8b, v25.8b
            mov     v25.16b, v21.16b
            mov     v26.16b, v23.16b
            smlal   v24.8h, v25.8b, v26.8b
            smull2  v20.8h, v20.16b, v22.16b
            smlal2  v20.8h, v21.16b, v23.16b
            mov     v21.16b, v24.16b
            saddw   v16.4s, v16.4s, v21.4h
            saddw2  v17.4s, v17.4s, v24.8h
            mov     v21.16b, v20.16b
            saddw   v18.4s, v18.4s, v21.4h
            saddw2  v19.4s, v19.4s, v20.8h
            sxtw    x5, w6
            ldr     q20, [x22, x5]
            sxtw    x5, w7
            ldr     q21, [x22, x5]
            ldp     q22, q23, [x3, #0x60]
            mov     v24.16b, v20.16b
            mov     v25.16b, v22.16b
            smull   v24.8h, v24.8b, v25.8b
            mov     v25.16b, v21.16b
            mov     v26.16b, v23.16b
            smlal   v24.8h, v25.8b, v26.8b
            smull2  v20.8h, v20.16b, v22.16b
            smlal2  v20.8h, v21.16b, v23.16b
            mov     v21.16b, v24.16b
            saddw   v16.4s, v16.4s, v21.4h
            saddw2  v17.4s, v17.4s, v24.8h
            mov     v21.16b, v20.16b
            saddw   v18.4s, v18.4s, v21.4h
            saddw2  v19.4s, v19.4s, v20.8h
            sxtw    x5, w8
            ldr     q20, [x22, x5]
            ldr     q21, [x3, #0x80]
            mov     v22.16b, v20.16b
            mov     v23.16b, v21.16b
            smull   v22.8h, v22.8b, v23.8b
            smull2  v20.8h, v20.16b, v21.16b
            mov     v21.16b, v22.16b
            saddw   v16.4s, v16.4s, v21.4h
            saddw2  v17.4s, v17.4s, v22.8h
            mov     v21.16b, v20.16b
            saddw   v18.4s, v18.4s, v21.4h
            saddw2  v19.4s, v19.4s, v20.8h
            ldr     x3, [x19, #0x20]
            ldr     x5, [x3, #0x10]
            mov     x22, x5
            ldrsb   wzr, [x22], #0x10
            ldr     q20, [x22, x1]
            ldr     x22, [x3, #0x18]
            mov     x13, x22
            ldrsb   wzr, [x13], #0x10
            ldr     q21, [x13, x1]
            ldr     x13, [x3, #0x20]
            mov     x14, x13
            ldrsb   wzr, [x14], #0x10
            ldr     q22, [x14, x1]
            neg     v22.4s, v22.4s
            mul     v16.4s, v16.4s, v21.4s
            sqrdmulh v16.4s, v16.4s, v20.4s
            and     v20.4s, v16.4s, v22.4s
            sshr    v20.4s, v20.4s, #31
            sqadd   v16.4s, v16.4s, v20.4s
            srshl   v16.4s, v16.4s, v22.4s
            ldr     w1, [x3, #0x40]
            dup     v20.4s, w1
            add     v16.4s, v16.4s, v20.4s
            add     w1, w4, #4
            sxtw    x1, w1
            mov     x14, x5
            ldrsb   wzr, [x14], #0x10
            lsl     x1, x1, #2
            ldr     q21, [x14, x1]
            mov     x14, x22
            ldrsb   wzr, [x14], #0x10
            ldr     q22, [x14, x1]
            mov     x14, x13
            ldrsb   wzr, [x14], #0x10
            ldr     q23, [x14, x1]
            neg     v23.4s, v23.4s
            mul     v17.4s, v17.4s, v22.4s
            sqrdmulh v17.4s, v17.4s, v21.4s
            and     v21.4s, v17.4s, v23.4s
            sshr    v21.4s, v21.4s, #31
            sqadd   v17.4s, v17.4s, v21.4s
            srshl   v17.4s, v17.4s, v23.4s
            add     v17.4s, v17.4s, v20.4s
            sqxtn   v16.4h, v16.4s
            sqxtn2  v16.8h, v17.4s
            add     w1, w4, #8
            sxtw    x1, w1
            mov     x14, x5
            ldrsb   wzr, [x14], #0x10
            lsl     x1, x1, #2
            ldr     q17, [x14, x1]
            mov     x14, x22
            ldrsb   wzr, [x14], #0x10
            ldr     q21, [x14, x1]
            mov     x14, x13
            ldrsb   wzr, [x14], #0x10
            ldr     q22, [x14, x1]
            neg     v22.4s, v22.4s
            mul     v18.4s, v18.4s, v21.4s
            sqrdmulh v17.4s, v18.4s, v17.4s
            and     v18.4s, v17.4s, v22.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v17.4s, v17.4s, v18.4s
            srshl   v17.4s, v17.4s, v22.4s
            add     v17.4s, v17.4s, v20.4s
            add     w1, w4, #12
            sxtw    x1, w1
            ldrsb   wzr, [x5], #0x10
            lsl     x1, x1, #2
            ldr     q18, [x5, x1]
            ldrsb   wzr, [x22]
            add     x5, x22, #16
            ldr     q21, [x5, x1]
            ldrsb   wzr, [x13]
            add     x5, x13, #16
            ldr     q22, [x5, x1]
            neg     v22.4s, v22.4s
            mul     v19.4s, v19.4s, v21.4s
            sqrdmulh v18.4s, v19.4s, v18.4s
            and     v19.4s, v18.4s, v22.4s
            sshr    v19.4s, v19.4s, #31
            sqadd   v18.4s, v18.4s, v19.4s
            srshl   v18.4s, v18.4s, v22.4s
            add     v20.4s, v18.4s, v20.4s
            sqxtn   v17.4h, v17.4s
            sqxtn2  v17.8h, v20.4s
            sqxtn   v16.8b, v16.8h
            sqxtn2  v16.16b, v17.8h
            ldrsb   w1, [x3, #0x46]
            dup     v17.16b, w1
            smax    v16.16b, v16.16b, v17.16b
            ldrsb   w3, [x3, #0x47]
            dup     v17.16b, w3
            smin    v16.16b, v16.16b, v17.16b
            str     q16, [xip0, x0]
            add     w4, w4, #16
            cmp     w4, w2
            ble     G_M000_IG05
 
G_M000_IG06:
            sub     w0, w11, #8
            cmp     w4, w0
            bgt     G_M000_IG08
 
G_M000_IG07:
            mov     w2, #9
            mul     w2, w4, w2
            sxtw    x2, w2
            add     x2, x9, x2
            sxtw    x0, w4
            lsl     x1, x0, #2
            ldr     q16, [x10, x1]
            add     x3, x1, #16
            ldr     q17, [x10, x3]
            add     x3, x15, x0
            sxtw    x5, w23
            ldr     d18, [x3, x5]
            ldp     d19, d20, [x2]
            smull   v18.8h, v18.8b, v19.8b
            sxtw    x5, w24
            ldr     d19, [x3, x5]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            sxtw    x5, w25
            ldr     d18, [x3, x5]
            ldp     d19, d20, [x2, #0x10]
            smull   v18.8h, v18.8b, v19.8b
            sxtw    x5, w26
            ldr     d19, [x3, x5]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            sxtw    x5, w27
            ldr     d18, [x3, x5]
            ldp     d19, d20, [x2, #0x20]
            smull   v18.8h, v18.8b, v19.8b
            sxtw    x5, w28
            ldr     d19, [x3, x5]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            sxtw    x5, w6
            ldr     d18, [x3, x5]
            ldp     d19, d20, [x2, #0x30]
            smull   v18.8h, v18.8b, v19.8b
            sxtw    x5, w7
            ldr     d19, [x3, x5]
            smlal   v18.8h, v19.8b, v20.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            sxtw    x5, w8
            ldr     d18, [x3, x5]
            ldr     d19, [x2, #0x40]
            smull   v18.8h, v18.8b, v19.8b
            mov     v19.16b, v18.16b
            saddw   v16.4s, v16.4s, v19.4h
            saddw2  v17.4s, v17.4s, v18.8h
            ldr     x2, [x19, #0x20]
            ldr     x5, [x2, #0x10]
            mov     x3, x5
            ldrsb   wzr, [x3], #0x10
            ldr     q18, [x3, x1]
            ldr     x22, [x2, #0x18]
            mov     x3, x22
            ldrsb   wzr, [x3], #0x10
            ldr     q19, [x3, x1]
            ldr     x13, [x2, #0x20]
            mov     x3, x13
            ldrsb   wzr, [x3], #0x10
            ldr     q20, [x3, x1]
            neg     v20.4s, v20.4s
            mul     v16.4s, v16.4s, v19.4s
            sqrdmulh v16.4s, v16.4s, v18.4s
            and     v18.4s, v16.4s, v20.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v16.4s, v16.4s, v18.4s
            srshl   v16.4s, v16.4s, v20.4s
            ldr     w3, [x2, #0x40]
            dup     v20.4s, w3
            add     v16.4s, v16.4s, v20.4s
            add     w3, w4, #4
            sxtw    x3, w3
            mov     x1, x5
            ldrsb   wzr, [x1], #0x10
            lsl     x3, x3, #2
            ldr     q18, [x1, x3]
            mov     x1, x22
            ldrsb   wzr, [x1], #0x10
            ldr     q19, [x1, x3]
            mov     x1, x13
            ldrsb   wzr, [x1], #0x10
            ldr     q21, [x1, x3]
            neg     v21.4s, v21.4s
            mul     v17.4s, v17.4s, v19.4s
            sqrdmulh v17.4s, v17.4s, v18.4s
            and     v18.4s, v17.4s, v21.4s
            sshr    v18.4s, v18.4s, #31
            sqadd   v17.4s, v17.4s, v18.4s
            srshl   v17.4s, v17.4s, v21.4s
            add     v17.4s, v17.4s, v20.4s
            sqxtn   v16.4h, v16.4s
            sqxtn2  v16.8h, v17.4s
            sqxtn   v17.8b, v16.8h
            sqxtn2  v17.16b, v16.8h
            ldrsb   w3, [x2, #0x46]
            dup     v16.16b, w3
            smax    v16.16b, v17.16b, v16.16b
            ldrsb   w2, [x2, #0x47]
            dup     v17.16b, w2
            smin    v16.16b, v16.16b, v17.16b
            umov    x2, v16.d[0]
            str     x2, [xip0, x0]
            add     w4, w4, #8
            ldp     w7, w6, [fp, #0x58]
            ldr     w8, [fp, #0x54]
            ldp     x10, x9, [fp, #0x28]
            ldr     xip0, [fp, #0x10]
 
G_M000_IG08:
            cmp     w4, w11
            blt     G_M000_IG10
 
G_M000_IG09:
            ldr     w11, [fp, #0x50]
            b       G_M000_IG11
 
G_M000_IG10:
            mov     x2, x20
            mov     w3, w21
            mov     x0, x19
            mov     x1, x15
            str     w4, [fp, #0x40]
            movz    x5, #0xD1FFAB1E
            movk    x5, #0xD1FFAB1E LSL #16
            movk    x5, #85 LSL #32
            ldr     x5, [x5]
            blr     x5
            ldr     x22, [fp, #0x10]
            ldr     w4, [fp, #0x40]
            strb    w0, [x22, w4, SXTW #2]
            add     w4, w4, #1
            ldr     w11, [fp, #0x50]
            cmp     w4, w11
            ldr     x15, [fp, #0x18]
            blt     G_M000_IG10
 
G_M000_IG11:
            ldr     w22, [fp, #0x44]
            add     w22, w22, #1
            ldr     w14, [fp, #0x48]
            cmp     w22, w14
            mov     w12, w22
            ldr     x5, [fp, #0x20]
            ldp     w7, w6, [fp, #0x58]
            ldr     w8, [fp, #0x54]
            ldp     x10, x9, [fp, #0x28]
            ldr     w13, [fp, #0x4C]
            blt     G_M000_IG03
 
G_M000_IG12:
            ldp     x27, x28, [sp, #0xA0]
            ldp     x25, x26, [sp, #0x90]
            ldp     x23, x24, [sp, #0x80]
            ldp     x21, x22, [sp, #0x70]
            ldp     x19, x20, [sp, #0x60]
            ldp     fp, lr, [sp], #0xB0
            ret     lr
 
; Total bytes of code 1660
